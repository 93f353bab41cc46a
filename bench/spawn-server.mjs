// Starts bench/server.mjs in its own process and gives the parent a handle on it.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { pinPid } from './pin.mjs';

const SERVER = new URL('./server.mjs', import.meta.url);

/**
 * @param {string[]} args extra server arguments, e.g. ['--mode=load']
 * @returns {Promise<{url: string, port: number, pin(core: number | 'all' | null): void,
 *   stats(): Promise<object>, reset(): Promise<void>, close(): Promise<void>}>}
 */
export async function startServer(args = []) {
  const child = fork(SERVER, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`bench server exited early (code ${code})`);
    }),
  ]);
  if (ready?.type !== 'ready') throw new Error('bench server did not start');

  const ask = async (type) => {
    child.send({ type });
    for (;;) {
      const [msg] = await once(child, 'message');
      if (msg?.type === type) return msg;
    }
  };
  return {
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    pin: (core) => pinPid(child.pid, core),
    stats: async () => (await ask('stats')).stats,
    reset: async () => {
      await ask('reset');
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
