import { highestRole, isRole, type Role } from './roles';

/**
 * Single sign-on with any OpenID Connect provider (Cognito, Entra ID, Okta, Google Workspace, Keycloak):
 *
 *   OIDC_ISSUER          https://idp.example.com/realms/acme   (its /.well-known/openid-configuration is read)
 *   OIDC_CLIENT_ID       the dashboard's client id at the provider
 *   OIDC_CLIENT_SECRET   its secret
 *   OIDC_ROLE_CLAIM      the claim that lists the person's groups (default `groups`; a dotted path such as
 *                        `realm_access.roles` reaches into objects)
 *   OIDC_ROLE_MAP        group=role pairs, comma separated: `iot-admins=admin,iot-ops=operator,staff=viewer`
 *   OIDC_SCOPES          scopes to ask for (default `openid email profile`; add e.g. `groups` where needed)
 *   OIDC_NAME            the button's label (default `Single sign-on`)
 *
 * The provider's redirect URI to register is `<dashboard URL>/api/auth/callback/oidc`.
 * A person whose groups map to no role is refused (they get no account and no session); the role follows the
 * groups at every sign-in.
 */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  /** Group (claim value) -> role. */
  roleMap: Readonly<Record<string, Role>>;
  scopes: string[];
  name: string;
}

export const OIDC_PROVIDER_ID = 'oidc';

/** What a person whose groups map to no role is told (the sign-in page shows it after the provider's round trip). */
export const noRoleMessage = (providerName: string) =>
  `Your groups at ${providerName} give you no role in this dashboard. Ask an admin to add you to a group that maps to viewer, operator or admin.`;

export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseRoleMap(text: string): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.lastIndexOf('=');
    const group = pair.slice(0, eq).trim();
    const role = pair
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (eq <= 0 || !group) throw new OidcConfigError(`OIDC_ROLE_MAP: "${pair.trim()}" is not group=role.`);
    if (!isRole(role)) throw new OidcConfigError(`OIDC_ROLE_MAP: "${role}" is not a role (viewer, operator, admin).`);
    map[group] = role;
  }
  return map;
}

/** The OIDC settings, or undefined when OIDC_ISSUER is not set (local accounts only). */
export function oidcConfigFromEnv(env: Env = process.env): OidcConfig | undefined {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret)
    throw new OidcConfigError('OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too.');
  try {
    new URL(issuer);
  } catch {
    throw new OidcConfigError(`OIDC_ISSUER must be the provider's URL, not "${issuer}".`);
  }
  const roleMap = parseRoleMap(env.OIDC_ROLE_MAP ?? '');
  if (!Object.keys(roleMap).length) {
    throw new OidcConfigError(
      'OIDC_ROLE_MAP must map at least one group to a role, e.g. iot-admins=admin,iot-ops=operator.',
    );
  }
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    roleClaim: env.OIDC_ROLE_CLAIM?.trim() || 'groups',
    roleMap,
    scopes: (env.OIDC_SCOPES?.trim() || 'openid email profile').split(/[\s,]+/).filter(Boolean),
    name: env.OIDC_NAME?.trim() || 'Single sign-on',
  };
}

export const discoveryUrl = (issuer: string) => `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

/** The claim's values: an array, a single string, or a comma/space separated string; a dotted path reaches in. */
export function claimValues(claims: Record<string, unknown> | undefined, claim: string): string[] {
  let value: unknown = claims;
  for (const part of claim.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The role the person's groups give (the highest when several map), or undefined when none maps. */
export function roleForClaims(
  claims: Record<string, unknown> | undefined,
  config: Pick<OidcConfig, 'roleClaim' | 'roleMap'>,
): Role | undefined {
  return highestRole(
    claimValues(claims, config.roleClaim).flatMap((g) => (config.roleMap[g] ? [config.roleMap[g]] : [])),
  );
}
