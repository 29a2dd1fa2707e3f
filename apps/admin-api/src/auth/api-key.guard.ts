import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../config/app-config.js';
import { ApiKeyRegistry } from './api-key-registry.js';
import type { RequestWithPrincipal } from './principal.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

interface HttpRequestLike extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}

export const KEY_MISSING = 'An API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>".';
export const KEY_NOT_VALID = 'The API key is not valid.';

/**
 * Every endpoint needs a key unless marked @Public(): `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 * 401 when the key is missing or unknown, 403 when the key's role may not do this.
 * Endpoints without @Roles() are admin-only, so a forgotten decorator fails closed.
 * A request that can carry a body was already authenticated when its headers arrived (early-authentication.ts).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyRegistry) private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const principal = request.principal ?? this.authenticate(request);
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['admin'];
    const refusal = roleRefusal(principal.role, allowed);
    if (refusal) throw new ForbiddenException(refusal);
    return true;
  }

  private authenticate(request: HttpRequestLike) {
    const presented = presentedKey(request.headers);
    if (!presented) throw new UnauthorizedException(KEY_MISSING);
    const principal = this.registry.authenticate(presented);
    if (!principal) throw new UnauthorizedException(KEY_NOT_VALID);
    return principal;
  }
}

/** Why a role may not call an endpoint open to `allowed`, or undefined when it may. */
export function roleRefusal(role: Role, allowed: readonly Role[]): string | undefined {
  if (role === 'admin' || allowed.includes(role)) return undefined;
  return `The role "${role}" may not do this; allowed: ${[...new Set([...allowed, 'admin'])].join(', ')}.`;
}

export function presentedKey(headers: HttpRequestLike['headers']): string | undefined {
  const authorization = single(headers.authorization);
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim() || undefined;
  return single(headers['x-api-key'])?.trim() || undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
