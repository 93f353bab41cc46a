// Bare global fetch (Node's built-in undici): no retries, no date revival, just
// the request with the same headers and a JSON parse.
import { HEADERS, HttpStatusError } from './common.mjs';

export default {
  id: 'fetch',
  label: 'bare fetch',
  async create(orgUrl) {
    const base = `${orgUrl}/api/v1/sessions`;
    const postHeaders = { ...HEADERS, 'Content-Type': 'application/json' };
    const json = async (res) => {
      if (!res.ok) {
        await res.arrayBuffer();
        throw new HttpStatusError(res.status);
      }
      return res.json();
    };
    return {
      getSession: async (id) =>
        json(await fetch(`${base}/${encodeURIComponent(id)}`, { headers: HEADERS })),
      createSession: async (sessionToken) =>
        json(
          await fetch(base, {
            method: 'POST',
            headers: postHeaders,
            body: JSON.stringify({ sessionToken }),
          }),
        ),
      close: async () => {},
    };
  },
};
