export interface User {
  id: number;
  name: string;
}

/** Same origin as the page: the router hands `/api/...` to the api micro. */
export async function fetchUsers(): Promise<User[]> {
  const res = await fetch('/api/users', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /api/users answered ${res.status}`);
  const body = (await res.json()) as { users: User[] };
  return body.users;
}
