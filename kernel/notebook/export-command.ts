/** Placeholder until its issue lands. */
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("gradlab: not implemented yet\n");
  return 1;
}
