/**
 * Drives the Agents Playground without a browser, through the same API its web page uses: REST to type,
 * press card buttons, send Action.Execute invokes and mock activities; a websocket for what appears in the
 * chat; and its log websocket to know when the bot has answered (the Playground logs each activity it sent
 * the bot once the bot's HTTP response is in, and by then the bot has posted its replies).
 */
import WebSocket from 'ws';
import { button, viewCard, type CardView } from '../cards';
import { until } from '../until';

/** Who the Playground says everyone is (from `.m365agentsplayground.yml`, via `GET /_internal/v1/config`). */
export interface PlaygroundIdentity {
  tenantId: string;
  me: { id: string; name: string; aadObjectId: string };
  bot: { id: string; name: string };
  personalChatId: string;
}

/** A message as the chat shows it. */
export interface ChatMessage {
  messageId: string;
  fromBot: boolean;
  text?: string;
  cards: CardView[];
}

/** Activities the Playground sends a bot, by `type`. */
export type InboundActivityType = 'message' | 'invoke' | 'installationUpdate' | 'conversationUpdate';

/** The mock activities of the Playground's "Mock an Activity" menu that make sense in a personal chat. */
export type MockActivity = 'install' | 'uninstall' | 'botAdded' | 'botRemoved';

/** The body of an Adaptive Card invoke response, as the Playground hands it back. */
export interface InvokeResult {
  statusCode?: number;
  type?: string;
  value?: unknown;
}

interface WsMessage {
  action?: string;
  actionConversationId?: string;
  message?: {
    messageId: string;
    from: { id: string };
    text?: string;
    attachments?: { contentType: string; content: unknown }[];
  };
}

interface WsLog {
  logAction?: string;
  log?: { from?: string; to?: string; activityName?: string; response?: { statusCode?: number } };
}

const PLAYGROUND_LABEL = 'Microsoft 365 Agents Playground';
const BOT_LABEL = 'User Application';
const TURN_TIMEOUT_MS = 10_000;
/** Chat and log arrive on two sockets: give the chat one a moment to catch up with the log. */
const SETTLE_MS = 25;

/** Who the Playground at `baseUrl` says everyone is. */
export async function readIdentity(baseUrl: string): Promise<PlaygroundIdentity> {
  const response = await fetch(`${baseUrl}/_internal/v1/config`);
  if (!response.ok) throw new Error(`GET /_internal/v1/config: ${response.status}`);
  const { config } = (await response.json()) as {
    config: {
      tenantId: string;
      bot: { id: string; name: string };
      currentUser: { id: string; name: string; aadObjectId: string };
      personalChat: { id: string };
    };
  };
  return {
    tenantId: config.tenantId,
    me: config.currentUser,
    bot: config.bot,
    personalChatId: config.personalChat.id,
  };
}

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

export class PlaygroundClient {
  /** Every message the chat has shown since connecting, in order. */
  readonly messages: ChatMessage[] = [];
  /** Activity types the bot has answered (HTTP status included), in order. */
  readonly answered: { type: string; status?: number }[] = [];

  private constructor(
    readonly baseUrl: string,
    readonly identity: PlaygroundIdentity,
    private readonly chat: WebSocket,
    private readonly log: WebSocket,
  ) {
    chat.on('message', (data: Buffer) => this.onChat(JSON.parse(data.toString('utf8')) as WsMessage));
    log.on('message', (data: Buffer) => this.onLog(JSON.parse(data.toString('utf8')) as WsLog));
  }

  /** Connects to the Playground at `baseUrl` the way its page does (config first, then the sockets). */
  static async connect(baseUrl: string): Promise<PlaygroundClient> {
    const identity = await readIdentity(baseUrl);
    const ws = baseUrl.replace(/^http/, 'ws');
    const chat = await openSocket(`${ws}/_ws_conversation/v1/conversations/stream`);
    const log = await openSocket(`${ws}/_ws/log/stream`);
    return new PlaygroundClient(baseUrl, identity, chat, log);
  }

  private onChat(event: WsMessage): void {
    if (event.action !== 'createMessage' || !event.message) return;
    if (event.actionConversationId !== this.identity.personalChatId) return;
    const { message } = event;
    this.messages.push({
      messageId: message.messageId,
      fromBot: message.from.id === this.identity.bot.id,
      text: message.text,
      cards: (message.attachments ?? [])
        .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
        .map((a) => viewCard(a.content as Record<string, unknown>)),
    });
  }

  private onLog(event: WsLog): void {
    const log = event.log;
    if (event.logAction !== 'appendLog' || log?.from !== PLAYGROUND_LABEL || log.to !== BOT_LABEL) return;
    this.answered.push({ type: log.activityName ?? '', status: log.response?.statusCode });
  }

  private async waitUntil(done: () => boolean, what: string): Promise<void> {
    await until(done, { what: `the Playground's ${what}`, timeoutMs: TURN_TIMEOUT_MS });
  }

  /**
   * Does `act`, waits until the bot has answered the activities it causes (`expected`, by type), and
   * returns the bot's messages that appeared in the chat meanwhile.
   */
  async turn(expected: InboundActivityType[], act: () => Promise<void>): Promise<ChatMessage[]> {
    const answeredBefore = this.answered.length;
    const messagesBefore = this.messages.length;
    await act();
    await this.waitUntil(
      () => {
        const types = this.answered.slice(answeredBefore).map((a) => a.type);
        return expected.every(
          (type) => types.filter((t) => t === type).length >= expected.filter((e) => e === type).length,
        );
      },
      `answer to ${expected.join(' + ')}`,
    );
    const failed = this.answered
      .slice(answeredBefore)
      .filter((a) => a.status !== undefined && a.status >= 400);
    if (failed.length > 0) throw new Error(`the bot answered ${JSON.stringify(failed)}`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return this.messages.slice(messagesBefore).filter((m) => m.fromBot);
  }

  /**
   * Does `act` (something outside the chat, such as a campaign pass) and returns the bot's messages that
   * appeared in the chat meanwhile: at least `count` of them (waiting for them up to the turn timeout), or
   * none, when `count` is 0 (then whatever arrives by the time `act` has finished, and a moment after).
   */
  async proactive(count: number, act: () => Promise<void>): Promise<ChatMessage[]> {
    const before = this.messages.length;
    const fromBot = () => this.messages.slice(before).filter((m) => m.fromBot);
    await act();
    if (count > 0) await this.waitUntil(() => fromBot().length >= count, `${count} proactive message(s)`);
    await new Promise((resolve) => setTimeout(resolve, count > 0 ? SETTLE_MS : 500));
    return fromBot();
  }

  private async post(path: string, body: unknown): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return text;
  }

  /** What the Playground's page does when it loads: install the app in the personal chat. */
  install(): Promise<ChatMessage[]> {
    const path = `/_debug/conversation/${encodeURIComponent(this.identity.personalChatId)}/installation`;
    return this.turn(['installationUpdate', 'conversationUpdate'], async () => {
      await this.post(path, {});
    });
  }

  /** Types `text` into the personal chat. */
  say(text: string): Promise<ChatMessage[]> {
    const path = `/_conversation/v1/conversations/${encodeURIComponent(this.identity.personalChatId)}/messages`;
    return this.turn(['message'], async () => {
      await this.post(path, { from: { id: this.identity.me.id }, text, textFormat: 'plain' });
    });
  }

  /**
   * What a user whose Teams is in `locale` does, sent as Teams would send it. The Playground writes `en-US`
   * into every activity it makes, so these go through its custom-activity route (which sends the activity as
   * given), starting from the Playground's own mock activities with the locale Teams would send; as the
   * Playground's user, or as `user` (another pupil in the same chat, who has not been welcomed yet).
   */
  inLocale(
    locale: string,
    user: { id: string; aadObjectId: string; name: string } = this.identity.me,
  ): {
    /** Adds the app to the personal chat (the installation activity). */
    install(): Promise<ChatMessage[]>;
    /** Types `text`. */
    say(text: string): Promise<ChatMessage[]>;
    /** Presses the button titled `title` (an Action.Submit) on the card of `message`. */
    press(message: ChatMessage, title: string | RegExp): Promise<ChatMessage[]>;
  } {
    const from = { id: user.id, aadObjectId: user.aadObjectId, name: user.name };
    const send = async (template: MockActivity, fields: Record<string, unknown>) => {
      const query = new URLSearchParams({ conversationId: this.identity.personalChatId, type: template });
      const response = await fetch(
        `${this.baseUrl}/_internal/v1/customActivities/template?${query.toString()}`,
      );
      if (!response.ok) throw new Error(`mock activity template ${template}: ${response.status}`);
      const activity: Record<string, unknown> = {
        ...((await response.json()) as Record<string, unknown>),
        locale,
        from,
        ...fields,
      };
      return this.turn([activity.type as InboundActivityType], async () => {
        await this.post('/_internal/v1/customActivities', activity);
      });
    };
    const message = (fields: Record<string, unknown>) =>
      send('botAdded', {
        membersAdded: undefined,
        membersRemoved: undefined,
        type: 'message',
        id: `inLocale-${Date.now()}`,
        ...fields,
      });
    return {
      install: () => send('install', {}),
      say: (text) => message({ text, textFormat: 'plain' }),
      press: (at, title) => {
        const [card] = at.cards;
        if (!card) throw new Error(`message ${at.messageId} has no card`);
        const pressed = button(card, title);
        if (pressed.type !== 'Action.Submit') throw new Error(`"${pressed.title}" is an ${pressed.type}`);
        return message({ value: pressed.data, replyToId: at.messageId });
      },
    };
  }

  /** Types `text` as a user whose Teams is in `locale` (see `inLocale`). */
  sayIn(text: string, locale: string): Promise<ChatMessage[]> {
    return this.inLocale(locale).say(text);
  }

  /** Presses an Action.Submit on `message`: Teams sends its data as a message `value`. */
  submit(message: ChatMessage, value: unknown): Promise<ChatMessage[]> {
    return this.turn(['message'], async () => {
      await this.post('/_conversation/v1/submit', {
        conversation: { id: this.identity.personalChatId },
        from: { id: this.identity.me.id },
        replyToId: message.messageId,
        value,
      });
    });
  }

  /** Presses the button titled `title` on the (only) card of `message`, as the card defines it. */
  press(message: ChatMessage, title: string | RegExp): Promise<ChatMessage[]> {
    const [card] = message.cards;
    if (!card) throw new Error(`message ${message.messageId} has no card`);
    const pressed = button(card, title);
    if (pressed.type !== 'Action.Submit') throw new Error(`"${pressed.title}" is an ${pressed.type}`);
    return this.submit(message, pressed.data);
  }

  /** Sends an Action.Execute from `message` as the `adaptiveCard/action` invoke Teams sends. */
  async execute(
    message: ChatMessage,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ result: InvokeResult; messages: ChatMessage[] }> {
    let result: InvokeResult = {};
    const messages = await this.turn(['invoke'], async () => {
      const text = await this.post('/_conversation/v1/invoke', {
        name: 'adaptiveCard/action',
        conversation: { id: this.identity.personalChatId },
        from: { id: this.identity.me.id },
        replyToId: message.messageId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
      result = JSON.parse(text) as InvokeResult;
    });
    return { result, messages };
  }

  /** Sends one of the "Mock an Activity" menu's activities, from the template the Playground generates. */
  async mockActivity(type: MockActivity): Promise<ChatMessage[]> {
    const query = new URLSearchParams({ conversationId: this.identity.personalChatId, type });
    const response = await fetch(
      `${this.baseUrl}/_internal/v1/customActivities/template?${query.toString()}`,
    );
    if (!response.ok) throw new Error(`mock activity template ${type}: ${response.status}`);
    const activity = (await response.json()) as { type: InboundActivityType };
    return this.turn([activity.type], async () => {
      await this.post('/_internal/v1/customActivities', activity);
    });
  }

  /** Closes both sockets. */
  async close(): Promise<void> {
    await Promise.all(
      [this.chat, this.log].map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close();
          }),
      ),
    );
  }
}
