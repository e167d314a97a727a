// Starts the static server for the demo project; its URL reaches the tests through the env.
import { startStaticServer } from './support/static-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startStaticServer();
  process.env.FERRY_DEMO_URL = server.url;
  return () => server.close();
}
