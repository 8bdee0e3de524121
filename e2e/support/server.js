// Starts the built WxLogin server (Development, the WeChat emulator) on 127.0.0.1 and a free port
// with its own SQLite file, and stops it again. Build first: `dotnet build WxLogin.Web`.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const webProject = path.resolve(__dirname, '../../WxLogin.Web');
const dll = path.join(webProject, 'bin/Debug/net10.0/WxLogin.Web.dll');
const startTimeoutMs = 60000;

async function startServer() {
  if (!fs.existsSync(dll)) {
    throw new Error(`${dll} is missing: run "dotnet build WxLogin.Web" first.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxlogin-e2e-'));
  let output = '';
  const child = spawn('dotnet', [dll, '--contentRoot', webProject], {
    cwd: webProject,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Development',
      ASPNETCORE_URLS: 'http://127.0.0.1:0', // Kestrel picks a free port and logs it
      ConnectionStrings__Default: `Data Source=${path.join(dataDir, 'wxlogin.db')}`,
      WeChat__Mode: 'Emulator',
      DOTNET_NOLOGO: '1',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let exitStatus = null;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    exitStatus = code === null ? signal : code;
    resolve();
  }));
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const killOnExit = () => child.kill('SIGKILL'); // never leave a server behind
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
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (exitStatus !== null) {
        throw new Error(`The server exited (${exitStatus}):\n${output}`);
      }
      const listening = /Now listening on: (http:\/\/\S+)/.exec(output);
      if (listening) {
        return { url: listening[1], stop, output: () => output };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The server did not listen within ${startTimeoutMs / 1000} s:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
}

module.exports = { startServer };
