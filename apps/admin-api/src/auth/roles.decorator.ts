import { SetMetadata } from '@nestjs/common';
import type { Role } from '../config/app-config.js';

export const ROLES_KEY = 'reelwire:roles';
export const PUBLIC_KEY = 'reelwire:public';

/** Which roles may call an endpoint. Admin may always. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Editors write; admins too. */
export const CanWrite = () => Roles('editor', 'admin');
/** Editors, auditors and admins read. */
export const CanRead = () => Roles('editor', 'auditor', 'admin');
/** No key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
