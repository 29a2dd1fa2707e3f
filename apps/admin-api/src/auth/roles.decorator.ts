import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { Role } from '../config/app-config.js';

export const ROLES_KEY = 'reelwire:roles';
export const PUBLIC_KEY = 'reelwire:public';
/** Set in the Fastify route's config by @Public(), where the check made when the headers arrive can read it. */
export const PUBLIC_ROUTE = 'reelwirePublic';

/** Which roles may call an endpoint. Admin may always. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Editors write; admins too. */
export const CanWrite = () => Roles('editor', 'admin');
/** Editors, auditors and admins read. */
export const CanRead = () => Roles('editor', 'auditor', 'admin');
/** No key needed (health, docs). On a method only: the Fastify route config is the method's. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), RouteConfig({ [PUBLIC_ROUTE]: true }));
