import type { Role } from '../config/app-config.js';

/** The authenticated caller of a request, attached by ApiKeyGuard. */
export interface Principal {
  id: string;
  role: Role;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}
