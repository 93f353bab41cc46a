// @okta/okta-sdk-nodejs, Okta's official SDK (CommonJS, node-fetch 2 over node:http).
// Its default cache middleware would answer repeated GETs of one URL from memory;
// it is switched off (cacheMiddleware: null) so every call goes over the wire.
import { createRequire } from 'node:module';
import { API_TOKEN } from './common.mjs';

const require = createRequire(import.meta.url);

export default {
  id: 'official-sdk',
  label: '@okta/okta-sdk-nodejs',
  async create(orgUrl) {
    const okta = require('@okta/okta-sdk-nodejs');
    const client = new okta.Client({
      orgUrl,
      token: API_TOKEN,
      cacheMiddleware: null,
      testing: { disableHttpsCheck: true },
    });
    return {
      getSession: (sessionId) => client.sessionApi.getSession({ sessionId }),
      createSession: (sessionToken) =>
        client.sessionApi.createSession({ createSessionRequest: { sessionToken } }),
      close: async () => {},
    };
  },
};
