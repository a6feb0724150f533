import { fetchUsers } from './api.ts';
import { greeting } from './greeting.ts';

// State lives in this module; HMR swaps greeting.ts underneath it without reloading the page.
let count = 0;

const countButton = document.querySelector('#count');
countButton.addEventListener('click', () => {
  count += 1;
  countButton.textContent = `count: ${count}`;
});

document.querySelector('#load').addEventListener('click', async () => {
  const list = document.querySelector('#users');
  list.replaceChildren(...(await fetchUsers()).map((user) => Object.assign(document.createElement('li'), { textContent: user.name })));
});

function showGreeting(text) {
  document.querySelector('#greeting').textContent = text;
}
showGreeting(greeting);

if (import.meta.hot) {
  import.meta.hot.accept('./greeting.ts', (next) => {
    if (next) showGreeting(next.greeting);
  });
}
