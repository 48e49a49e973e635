import nodemailer from 'nodemailer';

export interface Message {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** Sends e-mail; the app never needs to know how. */
export interface Mailer {
  send(message: Message): Promise<void>;
  close(): void;
}

export interface MailSettings {
  /** smtp://user:pass@host:587 or smtps://…; without one, messages are written to the log instead. */
  smtpUrl?: string | undefined;
  from: string;
}

export function openMailer(settings: MailSettings, log: (line: string) => void = console.log): Mailer {
  if (!settings.smtpUrl) {
    return {
      async send(m) {
        log(
          `E-mail is not set up (PATHFINDER_SMTP_URL), so this message was not sent:\nTo: ${m.to}\nSubject: ${m.subject}\n\n${m.text}`,
        );
      },
      close() {},
    };
  }
  // A pool keeps connections open between messages: a new connection for each cost ~110 ms on loopback,
  // a pooled one ~8 ms (bench/newsletter).
  const transport = nodemailer.createTransport({ url: settings.smtpUrl, pool: true });
  return {
    async send(m) {
      await transport.sendMail({ from: settings.from, ...m });
    },
    close: () => transport.close(),
  };
}
