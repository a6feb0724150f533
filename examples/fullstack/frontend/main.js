// Plain relative URLs: the router in front of Vite sends /api/* and /stats/* to their micros,
// exactly as Deta Space did in production.
async function show(id, url) {
  const element = document.getElementById(id);
  try {
    const response = await fetch(url);
    element.textContent = `${response.status} ${await response.text()}`;
  } catch (error) {
    element.textContent = `failed: ${error}`;
  }
}

show('api', '/api/hello');
show('stats', '/stats/');

const echo = document.getElementById('echo');
const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/echo`);
socket.addEventListener('open', () => socket.send('ping from the page'));
socket.addEventListener('message', (event) => {
  echo.textContent = event.data;
  socket.close();
});
socket.addEventListener('error', () => {
  echo.textContent = 'websocket failed';
});
