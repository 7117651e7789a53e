import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.ts';

/*
 * A real nginx (Debian's nginx-light) in front of a test server, on a free loopback port, as an
 * operator would run it: it passes the client's address in X-Forwarded-For and keeps no access
 * log. Missing nginx fails the run with what to install — never a skip.
 */
export interface Nginx {
  url: string;
  /** The nginx master process (its worker is its child), for bench/scale.ts's CPU accounting. */
  pid: number;
  stop(): Promise<void>;
}

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/**
 * One upstream URL is proxied to as it is; several (bench/scale.ts: two instances) become an
 * upstream group, balanced round-robin over kept-alive connections, as docs/scaling.md shows.
 */
export async function startNginx(upstream: string | string[]): Promise<Nginx> {
  if (!fs.existsSync(NGINX)) {
    throw new Error(`nginx not found at ${NGINX}: install it (apt-get install -y nginx-light) or set NGINX_PATH.`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-nginx-'));
  // Workers may run as "nobody" when started as root: they must be able to write the temp folders.
  fs.chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const group = Array.isArray(upstream);
  const upstreamBlock = group
    ? `upstream alongside {\n${upstream.map((u) => `    server ${new URL(u).host};\n`).join('')}    keepalive 16;\n  }`
    : '';
  const keepAlive = group ? '\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";' : '';
  fs.writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${upstreamBlock}
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${group ? 'http://alongside' : upstream};${keepAlive}
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`,
  );
  const check = spawnSync(NGINX, ['-t', '-q', '-p', dir, '-c', conf, '-g', 'daemon off;'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx rejected its test configuration: ${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`nginx stopped: ${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    try {
      await fetch(url);
      break;
    } catch {
      if (i > 100) throw new Error('nginx did not start listening within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGQUIT');
      }),
  };
}
