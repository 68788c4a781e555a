import { connect } from 'node:net';

export interface SlowClientOutcome {
  /** Everything the server sent before the socket closed. */
  answer: string;
  /** The server closed the socket; false when the client gave up at its deadline (the server never cut it off). */
  closedByServer: boolean;
}

export interface SlowClientScript {
  /** Written once connected (raw HTTP/1.1). */
  opening?: string;
  /** Written every `dripEveryMs` after the opening: a client that keeps the socket busy but never finishes. */
  drip?: string;
  dripEveryMs?: number;
  /** When the client gives up. Generous: the verdict is whether the server cut the client off, not how fast. */
  deadlineMs?: number;
}

/** A client on a real socket that sends what the script says, and waits for the server to close the connection. */
export function slowClient(baseUrl: string, script: SlowClientScript): Promise<SlowClientOutcome> {
  const { opening = '', drip, dripEveryMs = 50, deadlineMs = 10_000 } = script;
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let gaveUp = false;
    let dripper: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, deadlineMs);
    socket.on('connect', () => {
      if (opening !== '') socket.write(opening);
      if (drip !== undefined) dripper = setInterval(() => socket.writable && socket.write(drip), dripEveryMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset is the server closing too; 'close' follows
    socket.on('close', () => {
      clearInterval(dripper);
      clearTimeout(deadline);
      resolve({ answer: Buffer.concat(chunks).toString('utf8'), closedByServer: !gaveUp });
    });
  });
}
