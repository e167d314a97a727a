// Whether the process that wrote a lock or an endpoint file still runs. EPERM means it runs
// under another user: alive all the same.
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
