// A real OpenID provider (oidc-provider) on loopback for the identity tests.
//
// Usage: node server.mjs <config.json>. The config (written by tests/support/oidc_provider.py)
// gives the issuer, port, signing keys (private JWKs, first one signs), clients and accounts.
// Prints "ready <issuer>" once it listens. People sign in through a tiny JSON interaction API
// (below) instead of HTML pages, so that tests drive the real authorization code flow over HTTP.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;
const interactionPath = /^\/interaction\/([^/]+)(\/login|\/consent)?$/;

function accountClaims(accountId) {
  const account = accounts[accountId];
  return {
    sub: accountId,
    name: account.name,
    email: account.email,
    groups: account.groups,
  };
}

// Access tokens carry who the person is and how they signed in: the amr/acr recorded at login
// are on the authorization code the token is exchanged for.
async function extraTokenClaims(ctx, token) {
  if (!token.accountId || !accounts[token.accountId]) {
    return undefined;
  }
  const { sub, ...claims } = accountClaims(token.accountId);
  const code = ctx.oidc.entities.AuthorizationCode;
  if (code?.amr) claims.amr = code.amr;
  if (code?.acr) claims.acr = code.acr;
  return claims;
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: ['test-only-cookie-key'] },
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
  scopes: ['openid', 'profile', 'email', 'groups', 'api'],
  findAccount: async (_ctx, accountId) => (accounts[accountId]
    ? { accountId, claims: async () => accountClaims(accountId) }
    : undefined),
  extraTokenClaims,
  // ID tokens carry the profile and groups claims (as Entra ID, Keycloak and Okta can be set up
  // to do), so that the dashboard login reads roles from the validated ID token.
  conformIdTokenClaims: false,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => config.audience,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'api',
        audience: config.audience,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: config.keys[0].alg } },
      }),
    },
  },
});

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

async function login(ctx, form) {
  const account = accounts[form.login];
  if (!account || account.password !== form.password) {
    ctx.status = 401;
    ctx.body = { error: 'bad_credentials' };
    return;
  }
  const withOtp = Boolean(account.otp) && form.otp === account.otp;
  await provider.interactionFinished(ctx.req, ctx.res, {
    login: {
      accountId: form.login,
      amr: withOtp ? ['pwd', 'otp', 'mfa'] : ['pwd'],
      acr: withOtp ? 'urn:test:mfa' : 'urn:test:password',
    },
  }, { mergeWithLastSubmission: false });
}

async function consent(ctx) {
  const { prompt: { details }, grantId, session, params } = await provider.interactionDetails(
    ctx.req, ctx.res,
  );
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

// A browser (the dashboard's browser test) gets a plain HTML form for the same two steps.
function interactionPage(uid, prompt) {
  const fields = prompt === 'login'
    ? '<label>Login <input name="login" id="login"></label>'
      + '<label>Password <input name="password" id="password" type="password"></label>'
      + '<label>One-time code <input name="otp" id="otp"></label>'
    : '<p>Allow the governance dashboard to see who you are?</p>';
  return `<!doctype html><html><body><form method="post" action="/interaction/${uid}/${prompt}">`
    + `${fields}<button type="submit" id="submit">Continue</button></form></body></html>`;
}

provider.use(async (ctx, next) => {
  const match = interactionPath.exec(ctx.path);
  if (!match) return next();
  if (ctx.method === 'GET' && !match[2]) {
    const { uid, prompt } = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      ctx.body = interactionPage(uid, prompt.name);
      return undefined;
    }
    ctx.body = { uid, prompt: prompt.name };
    return undefined;
  }
  if (ctx.method === 'POST' && match[2] === '/login') return login(ctx, await readForm(ctx.req));
  if (ctx.method === 'POST' && match[2] === '/consent') return consent(ctx);
  return next();
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
