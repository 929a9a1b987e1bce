import type { types, webApi } from '@slack/bolt';
import type { Mrkdwn } from './mrkdwn.js';
import type { Pacer } from './pacer.js';

export interface OutboundMessage {
  /** The notification fallback beside the blocks (or the whole message without them). */
  text: Mrkdwn;
  blocks?: types.KnownBlock[];
}

export interface ThreadFile {
  filename: string;
  title: string;
  /** Text, or a binary file's bytes. */
  content: string | Buffer;
  comment: Mrkdwn;
}

export interface ChatRef {
  channel: string;
  ts: string;
}

/** A message, or how to draw it once its turn comes (a card shows the store as it is when sent). */
export type MessageSource = OutboundMessage | (() => OutboundMessage);

export interface SendOptions {
  /** Goes before other waiting calls of the same method (cards, approval prompts). */
  urgent?: boolean;
}

const draw = (source: MessageSource): OutboundMessage => (typeof source === 'function' ? source() : source);

/**
 * Every message oom-check sends through Slack's Web API goes through here, and its text must be
 * Mrkdwn: escaped once, by construction (see mrkdwn.ts). The acks of commands and modal
 * submissions, the other way text reaches Slack, take Mrkdwn too (slack-app.ts). Every call waits
 * its turn in the pacer (per method, per channel for messages) and a 429 is waited out there: the
 * client is built with rejectRateLimitedCalls, so one method's Retry-After does not stop the others.
 */
export class SlackOutbound {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly pacer: Pacer,
  ) {}

  post(channel: string, source: MessageSource, threadTs?: string, options: SendOptions = {}): Promise<ChatRef> {
    return this.pacer.call('chat.postMessage', channel, async () => {
      const message = draw(source);
      const posted = await this.client.chat.postMessage({
        channel,
        text: message.text.text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
      if (!posted.channel || !posted.ts) throw new Error('chat.postMessage answered without channel and ts');
      return { channel: posted.channel, ts: posted.ts };
    }, options);
  }

  update(chat: ChatRef, source: MessageSource, options: SendOptions = {}): Promise<void> {
    return this.pacer.call('chat.update', chat.channel, async () => {
      const message = draw(source);
      await this.client.chat.update({ channel: chat.channel, ts: chat.ts, text: message.text.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    }, options);
  }

  ephemeral(channel: string, user: string, text: Mrkdwn): Promise<void> {
    return this.pacer.call('chat.postEphemeral', channel, async () => {
      await this.client.chat.postEphemeral({ channel, user, text: text.text });
    }, { urgent: true });
  }

  /** A link to a message (the card), for the person who asked for it; no scope needed. */
  permalink(chat: ChatRef): Promise<string | null> {
    return this.pacer.call('chat.getPermalink', chat.channel, async () => {
      const answer = await this.client.chat.getPermalink({ channel: chat.channel, message_ts: chat.ts });
      return answer.permalink ?? null;
    }, { urgent: true });
  }

  /** A modal, at once: its trigger_id expires 3 s after the click. */
  openModal(triggerId: string, view: types.ModalView): Promise<void> {
    return this.pacer.call('views.open', null, async () => {
      await this.client.views.open({ trigger_id: triggerId, view });
    }, { urgent: true });
  }

  /** A file in a thread: the postmortem export (text), the incident's chart (a PNG's bytes). */
  upload(thread: ChatRef, file: ThreadFile): Promise<void> {
    return this.pacer.call('files.uploadV2', thread.channel, async () => {
      await this.client.filesUploadV2({
        channel_id: thread.channel,
        thread_ts: thread.ts,
        filename: file.filename,
        title: file.title,
        ...(typeof file.content === 'string' ? { content: file.content } : { file: file.content }),
        initial_comment: file.comment.text,
      });
    });
  }
}
