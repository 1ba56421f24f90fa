// Taken loopback ports are found, with the process that holds them and the variable that moves npm start off.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { portFree, portHolder, takenPorts } from './ports.mjs';

function listen() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('a port this process listens on is taken, held by this pid, and the message says how to move', async () => {
  const server = await listen();
  const { port } = server.address();
  try {
    assert.equal(await portFree(port), false);
    assert.equal(portHolder(port)?.pid, process.pid);
    const [problem, ...rest] = await takenPorts([{ name: 'the demo web service', port, env: 'NTMA_WEB_PORT' }]);
    assert.deepEqual(rest, []);
    assert.match(
      problem.message,
      new RegExp(`^port ${port} \\(the demo web service\\) is taken by \\S+ \\(pid ${process.pid}: `),
    );
    assert.match(problem.message, /choose another port, e\.g\. NTMA_WEB_PORT=\d+ npm start$/);
  } finally {
    server.close();
  }
  assert.deepEqual(await takenPorts([{ name: 'x', port, env: 'X' }]), []);
});
