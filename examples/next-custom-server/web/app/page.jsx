export default function Home() {
  return <h1 id="greeting">Hello from a custom Next server</h1>;
}
