/**
 * A local SMTP server in its own OS process, for the OTP e-mail tests:
 * listens on 127.0.0.1 on an ephemeral port, accepts AUTH PLAIN/LOGIN for
 * SMTP_TEST_USER / SMTP_TEST_PASS over plain TCP, and prints one JSON line
 * per event on stdout: first {"type":"listening","port":N}, then
 * {"type":"message","from":...,"to":[...],"raw":"..."} per accepted message.
 * Recipients whose address starts with "reject" are refused (550), so a test
 * can make delivery fail. Stops on SIGTERM.
 *
 *   node --import tsx packages/gateway/test/support/smtp-server-process.ts
 */
import { SMTPServer } from 'smtp-server';

const user = process.env.SMTP_TEST_USER ?? 'pdirect';
const pass = process.env.SMTP_TEST_PASS ?? 'smtp-test-password';
const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === user && auth.password === pass) return callback(null, { user });
    return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
  },
  onRcptTo(address, _session, callback) {
    if (address.address.startsWith('reject')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    return callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      emit({
        type: 'message',
        user: session.user ?? null,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  emit({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});

process.once('SIGTERM', () => server.close(() => process.exit(0)));
