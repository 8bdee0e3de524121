// Starts the real WxLogin server (the built dll) in Development with the WeChat emulator on
// 127.0.0.1 and a free port, with its own SQLite file, and stops it again. Used by the client's tests
// and by e2e/. Build first: `dotnet build WxLogin.Web`.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const webProject = path.resolve(__dirname, '../../../WxLogin.Web');
const dll = path.join(webProject, 'bin/Debug/net10.0/WxLogin.Web.dll');
const startTimeoutMs = 60000;

async function startServer() {
  if (!fs.existsSync(dll)) {
    throw new Error(`${dll} is missing: run "dotnet build WxLogin.Web" first.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxlogin-client-test-'));
  let output = '';
  const child = spawn('dotnet', [dll, '--contentRoot', webProject], {
    cwd: webProject,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Development',
      ASPNETCORE_URLS: 'http://127.0.0.1:0', // Kestrel picks a free port and logs it
      ConnectionStrings__Default: `Data Source=${path.join(dataDir, 'wxlogin.db')}`,
      WeChat__Mode: 'Emulator',
      Auth__RejectedCodesPerMinute: '1000000', // the tests' emulator error codes must not trip the per-IP limit
      DOTNET_NOLOGO: '1',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let exitStatus = null; // the exit code, or the signal that ended it (a crash is SIGABRT, code null)
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    exitStatus = code === null ? signal : code;
    resolve();
  }));
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  // Last resort if the test process dies without running after(): never leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function stop() {
    process.removeListener('exit', killOnExit);
    if (exitStatus === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  try {
    const url = await waitUntilHealthy(() => output, () => exitStatus);
    return { url, stop, output: () => output };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilHealthy(getOutput, getExitStatus) {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (getExitStatus() !== null) {
      throw new Error(`The server exited (${getExitStatus()}):\n${getOutput()}`);
    }
    const listening = /Now listening on: (http:\/\/\S+)/.exec(getOutput());
    if (listening) {
      const url = listening[1];
      try {
        const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
        if (health.status === 200) {
          return url;
        }
      } catch {
        // not answering yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The server was not healthy within ${startTimeoutMs / 1000} s:\n${getOutput()}`);
}

/**
 * For a test file: starts the server before its tests and stops it after them, and points
 * config.baseUrl at it before each test. Returns {server}, filled once it runs.
 */
function useServer() {
  const { before, after, beforeEach } = require('node:test');
  const config = require('../../config.js');
  const started = { server: null };
  before(async () => {
    started.server = await startServer();
  }, { timeout: 90000 });
  after(async () => {
    if (started.server) {
      await started.server.stop();
    }
  });
  beforeEach(() => {
    config.baseUrl = started.server.url;
  });
  return started;
}

module.exports = { startServer, useServer };
