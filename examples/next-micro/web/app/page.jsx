'use client';

import { useState } from 'react';
import { Greeting } from './greeting.jsx';

export default function Page() {
  // Kept across Fast Refresh: editing greeting.jsx re-renders without losing this count.
  const [count, setCount] = useState(0);
  const [answer, setAnswer] = useState('');

  async function ask() {
    // Same origin: the router hands /api/... to the api micro, everything else to Next.
    const res = await fetch('/api/hello', { headers: { accept: 'application/json' } });
    const body = await res.json();
    setAnswer(body.message);
  }

  return (
    <main>
      <Greeting />
      <p>
        <button id="count" type="button" onClick={() => setCount(count + 1)}>
          count: {count}
        </button>
      </p>
      <p>
        <button id="ask" type="button" onClick={ask}>
          Ask the api micro
        </button>
      </p>
      <p id="answer">{answer}</p>
    </main>
  );
}
