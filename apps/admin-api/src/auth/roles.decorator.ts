import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { Role } from '../config/app-config.js';

export const ROLES_KEY = 'reelwire:roles';
export const PUBLIC_KEY = 'reelwire:public';
/**
 * Also kept in the Fastify route's config, where the check made when a request's headers arrive
 * (early-authentication.ts) can read them before the route's handler, and its body, are reached.
 */
export const PUBLIC_ROUTE = 'reelwirePublic';
export const ROUTE_ROLES = 'reelwireRoles';

/**
 * Adds entries to the handler's Fastify route config, keeping the ones already there (Nest's RouteConfig replaces
 * the whole config). On a class it adds nothing: Nest reads the route config of the method only, and ApiKeyGuard
 * still applies the class's metadata.
 */
export function inRouteConfig(entries: Record<string, unknown>): ClassDecorator & MethodDecorator {
  return ((_target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const handler = descriptor?.value as object | undefined;
    if (handler === undefined) return;
    const existing = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...existing, ...entries }, handler);
  }) as ClassDecorator & MethodDecorator;
}

/** Which roles may call an endpoint. Admin may always. The OpenAPI document lists them (x-roles). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), inRouteConfig({ [ROUTE_ROLES]: roles }), ApiExtension('x-roles', roles.includes('admin') ? roles : [...roles, 'admin']));
/** Editors write; admins too. */
export const CanWrite = () => Roles('editor', 'admin');
/** Editors, auditors, readers and admins read (readers see sealed details as their label). */
export const CanRead = () => Roles('editor', 'auditor', 'reader', 'admin');
/** No key needed (health, docs); the OpenAPI document says so (x-public, security: []). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), inRouteConfig({ [PUBLIC_ROUTE]: true }), ApiExtension('x-public', true));
