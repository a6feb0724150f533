import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseCommand, expandVariables, planSpawn } from '../lib/supervisor/command.js';
import { micro } from './fixtures/supervisor/helpers.js';

const env = { PORT: '4321', NAME: 'api', EMPTY: '' };

test('the command is `dev`, else the engine default, else `run`', () => {
  assert.deepEqual(chooseCommand(micro('a', { dev: 'node a.js', run: 'node b.js' })), { text: 'node a.js', source: 'dev' });
  assert.deepEqual(chooseCommand(micro('a', { engine: 'react' })), {
    text: 'npm run start -- --port $PORT',
    source: 'engine',
  });
  assert.deepEqual(chooseCommand(micro('a', { engine: 'next', run: 'node b.js' })), {
    text: 'npm run dev -- --port $PORT',
    source: 'engine',
  });
  assert.deepEqual(chooseCommand(micro('a', { engine: 'python3.9', run: 'uvicorn main:app' })), {
    text: 'uvicorn main:app',
    source: 'run',
  });
  assert.equal(chooseCommand(micro('a', { engine: 'custom', dev: '  ' })), undefined);
});

test('$VAR and ${VAR} expand from the environment; unset variables are empty', () => {
  assert.equal(expandVariables('x $PORT ${NAME}-$MISSING ${PORT}0 $ $1', env), 'x 4321 api- 43210 $ $1');
});

test('plain commands are split into words and run directly', () => {
  assert.deepEqual(planSpawn('node server.js --port $PORT "a b" \'$NAME\'', env), {
    file: 'node',
    args: ['server.js', '--port', '4321', 'a b', '$NAME'],
    shell: false,
    display: "node server.js --port 4321 'a b' \\$NAME",
  });
});

test('commands with shell syntax run through /bin/sh -c unchanged', () => {
  for (const command of [
    'npm install && npm run dev',
    'node a.js | tee log',
    'true; node a.js',
    'node a.js > out.log 2>&1',
    'FOO=bar node a.js',
    'node $(echo a.js)',
    'node `echo a.js`',
    'node src/*.js',
    'node a.js # comment',
  ]) {
    const plan = planSpawn(command, env);
    assert.deepEqual([plan.file, plan.args, plan.shell], ['/bin/sh', ['-c', command], true], command);
  }
});
