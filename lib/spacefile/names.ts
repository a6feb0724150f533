/** Every run of characters a micro name cannot hold becomes one `-` (as Space's CLI named detected micros). */
export function cleanName(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
