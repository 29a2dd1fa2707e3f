import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '../config/app-config.js';

/** The authenticated caller of a request, attached by ApiKeyGuard. */
export interface Principal {
  id: string;
  role: Role;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

/** The role of the authenticated caller (reads that depend on it: sealed details are opened only for some roles). */
export const CallerRole = createParamDecorator((_data: unknown, context: ExecutionContext): Role => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CallerRole used on an endpoint without authentication');
  return principal.role;
});
