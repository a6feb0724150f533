export function Greeting() {
  return <h1 id="greeting">Hello from Next</h1>;
}
