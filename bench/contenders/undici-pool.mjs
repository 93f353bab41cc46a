// undici Pool.request: the floor. One Pool for the origin (default options),
// same headers, a JSON parse of the body and nothing else.
import { HEADERS, HttpStatusError } from './common.mjs';

export default {
  id: 'undici-pool',
  label: 'undici Pool (floor)',
  async create(orgUrl) {
    const { Pool } = await import('undici');
    const pool = new Pool(orgUrl);
    const postHeaders = { ...HEADERS, 'Content-Type': 'application/json' };
    const json = async ({ statusCode, body }) => {
      if (statusCode !== 200) {
        await body.dump();
        throw new HttpStatusError(statusCode);
      }
      return body.json();
    };
    return {
      getSession: async (id) =>
        json(
          await pool.request({
            method: 'GET',
            path: `/api/v1/sessions/${encodeURIComponent(id)}`,
            headers: HEADERS,
          }),
        ),
      createSession: async (sessionToken) =>
        json(
          await pool.request({
            method: 'POST',
            path: '/api/v1/sessions',
            headers: postHeaders,
            body: JSON.stringify({ sessionToken }),
          }),
        ),
      close: () => pool.close(),
    };
  },
};
