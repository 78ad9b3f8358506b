#!/usr/bin/env python
"""Check the interactive path without a browser: start `make lab` on a free local port, open a notebook session with the
`ma52` kernel through the server's REST API (as JupyterLab does), run the notebook's code cells one by one over the
kernel's websocket, then shut everything down. Prints one JSON summary; exit status 0 when every cell ran without error.

Usage: `python scripts/lab_check.py [NOTEBOOK]` (default `03_transforms.ipynb`, a path relative to `nbs/`).
"""
import json, os, secrets, signal, socket, subprocess, sys, time, urllib.request, uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

def free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def api(base, token, path, method='GET', body=None):
    req = urllib.request.Request(f'{base}{path}', method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Authorization': f'token {token}', 'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r:
        data = r.read()
        return json.loads(data) if data else None

def wait_up(base, token, proc, log, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f'`make lab` exited with status {proc.returncode} before the server answered:\n{Path(log.name).read_text()[-3000:]}')
        try: return api(base, token, '/api/status')
        except OSError: time.sleep(0.5)
    raise TimeoutError(f'no Jupyter server at {base} after {timeout} s')

def execute(ws, session, code, timeout=300):
    "Run `code` in the kernel; returns (status, outputs) where outputs are the iopub messages' contents"
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps(dict(channel='shell', buffers=[], metadata={}, parent_header={},
        header=dict(msg_id=msg_id, msg_type='execute_request', session=session, username='lab_check', version='5.3'),
        content=dict(code=code, silent=False, store_history=True, user_expressions={}, allow_stdin=False, stop_on_error=True))))
    outputs, status, idle, t0 = [], None, False, time.time()
    while not (idle and status):
        if time.time() - t0 > timeout: raise TimeoutError(f'cell did not finish in {timeout} s:\n{code[:200]}')
        m = json.loads(ws.recv())
        if m.get('parent_header', {}).get('msg_id') != msg_id: continue
        t = m['msg_type']
        if t == 'execute_reply': status = m['content']['status']
        elif t == 'status': idle = m['content']['execution_state'] == 'idle'
        elif t in ('stream', 'execute_result', 'display_data', 'error'): outputs.append(dict(type=t, **m['content']))
    return status, outputs

def main(nb_name='03_transforms.ipynb'):
    import websocket   # websocket-client, a JupyterLab dependency
    port, token = free_port(), secrets.token_hex(16)
    base = f'http://127.0.0.1:{port}'
    args = f'--port {port} --no-browser --ServerApp.token={token} --ServerApp.open_browser=False'
    log = open(Path(os.environ.get('TMPDIR', '/tmp'))/f'ma52-lab-check-{port}.log', 'w+')   # the server's log (a pipe could fill up)
    proc = subprocess.Popen(['make', '--no-print-directory', 'lab', f'LAB_ARGS={args}'], cwd=REPO, start_new_session=True,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    summary = dict(notebook=nb_name, port=port)
    print(f'lab_check: make lab on port {port}', file=sys.stderr, flush=True)
    try:
        summary['server'] = wait_up(base, token, proc, log).get('started', True) and 'up'
        specs = api(base, token, '/api/kernelspecs')['kernelspecs']
        summary['kernel_python'] = specs.get('ma52', {}).get('spec', {}).get('argv', [None])[0]
        sess = api(base, token, '/api/sessions', 'POST', dict(path=nb_name, type='notebook', name=nb_name, kernel=dict(name='ma52')))
        kid = sess['kernel']['id']
        summary['kernel_name'] = sess['kernel']['name']
        ws = websocket.create_connection(f'ws://127.0.0.1:{port}/api/kernels/{kid}/channels?token={token}', timeout=300)
        session = uuid.uuid4().hex
        _, out = execute(ws, session, 'import sys, os; print(sys.executable); print(os.getcwd())')
        summary['sys_executable'], summary['cwd'] = out[0]['text'].split()[:2]
        cells = [c for c in json.loads((REPO/'nbs'/nb_name).read_text())['cells'] if c['cell_type'] == 'code']
        ran, errors, t0 = 0, [], time.time()
        for c in cells:
            src = ''.join(c['source'])
            if 'nbdev_export(' in src: continue
            status, outs = execute(ws, session, src)
            ran += 1
            if status != 'ok': errors.append(dict(cell=c.get('id'), error=[o for o in outs if o['type'] == 'error'][:1])); break
        summary.update(cells=len(cells), ran=ran, errors=errors, seconds=round(time.time() - t0, 1))
        ws.close()
        api(base, token, f'/api/sessions/{sess["id"]}', 'DELETE')
        api(base, token, '/api/shutdown', 'POST')
        proc.wait(timeout=30)
        summary['server_exit'] = proc.returncode
    finally:
        if proc.poll() is None: os.killpg(proc.pid, signal.SIGTERM); proc.wait(timeout=30)
        log.close(); Path(log.name).unlink()
    print(json.dumps(summary))
    return 0 if summary.get('ran') and not summary.get('errors') else 1

if __name__ == '__main__': sys.exit(main(*sys.argv[1:]))
