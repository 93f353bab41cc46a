// okta-sessions, the package under test, reached by name. The bench runners set
// OKTA_SESSIONS_ENTRY to a module re-exporting 'okta-sessions' from a packed snapshot
// (snapshot.mjs); without it, `import('okta-sessions')` resolves through the repo's
// package.json self-reference (its `exports` map and dist/).
import { API_TOKEN, NotBuiltError } from './common.mjs';

const NOT_BUILT_CODES = new Set([
  'ERR_MODULE_NOT_FOUND',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_PACKAGE_IMPORT_NOT_DEFINED',
  'ERR_UNSUPPORTED_DIR_IMPORT',
]);

export default {
  id: 'okta-sessions',
  label: 'okta-sessions',
  async create(orgUrl) {
    if (process.env.OKTA_SESSIONS_NOT_BUILT) {
      throw new NotBuiltError(`okta-sessions is not built: ${process.env.OKTA_SESSIONS_NOT_BUILT}`);
    }
    const entry = process.env.OKTA_SESSIONS_ENTRY;
    let mod;
    try {
      mod = await import(entry || 'okta-sessions');
    } catch (err) {
      // From a packed snapshot, a missing module is a packaging bug, not "not built".
      if (!entry && NOT_BUILT_CODES.has(err?.code)) {
        throw new NotBuiltError(`okta-sessions is not built (${err.code})`, { cause: err });
      }
      throw err;
    }
    if (typeof mod.OktaSessions !== 'function') {
      throw new NotBuiltError('okta-sessions does not export OktaSessions yet');
    }
    const okta = new mod.OktaSessions({ orgUrl, apiToken: API_TOKEN });
    return {
      getSession: (id) => okta.getSession(id),
      createSession: (sessionToken) => okta.createSession({ sessionToken }),
      close: async () => {
        await (okta.close?.() ?? okta[Symbol.asyncDispose]?.());
      },
    };
  },
};
