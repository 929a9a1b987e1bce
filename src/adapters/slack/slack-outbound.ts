import type { types, webApi } from '@slack/bolt';
import type { Mrkdwn } from './mrkdwn.js';

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

/**
 * Every message oom-check sends through Slack's Web API goes through here, and its text must be
 * Mrkdwn: escaped once, by construction (see mrkdwn.ts). The acks of commands and modal
 * submissions, the other way text reaches Slack, take Mrkdwn too (slack-app.ts).
 */
export class SlackOutbound {
  constructor(private readonly client: webApi.WebClient) {}

  async post(channel: string, message: OutboundMessage, threadTs?: string): Promise<ChatRef> {
    const posted = await this.client.chat.postMessage({
      channel,
      text: message.text.text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
    if (!posted.channel || !posted.ts) throw new Error('chat.postMessage answered without channel and ts');
    return { channel: posted.channel, ts: posted.ts };
  }

  async update(chat: ChatRef, message: OutboundMessage): Promise<void> {
    await this.client.chat.update({ channel: chat.channel, ts: chat.ts, text: message.text.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
  }

  async ephemeral(channel: string, user: string, text: Mrkdwn): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: text.text });
  }

  /** A link to a message (the card), for the person who asked for it; no scope needed. */
  async permalink(chat: ChatRef): Promise<string | null> {
    const answer = await this.client.chat.getPermalink({ channel: chat.channel, message_ts: chat.ts });
    return answer.permalink ?? null;
  }

  async openModal(triggerId: string, view: types.ModalView): Promise<void> {
    await this.client.views.open({ trigger_id: triggerId, view });
  }

  /** A file in a thread: the postmortem export (text), the incident's chart (a PNG's bytes). */
  async upload(thread: ChatRef, file: ThreadFile): Promise<void> {
    await this.client.filesUploadV2({
      channel_id: thread.channel,
      thread_ts: thread.ts,
      filename: file.filename,
      title: file.title,
      ...(typeof file.content === 'string' ? { content: file.content } : { file: file.content }),
      initial_comment: file.comment.text,
    });
  }
}
