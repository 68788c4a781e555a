import type { Clock } from '../../runtime/clock.js';

/** The channel of seed 002's dialog sample. */
export const CHANNEL_ID = 'gfd8g7fd89dgfd';
export const TOKEN = 'aaaxczsadzxcasdacxzcasdaaaxczsadzxcasdacxzcasd';
export const PHONE = '+60177872890';
export const MS = 2132131321000;

/** A clock whose sleeps return at once and are recorded: retries are tested without waiting. */
export function instantClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

/**
 * Message content cases shared by both directions (respond.io → /message, us → webhook): for each rule of seed
 * 002's "Messages Type" tables, one message that keeps it and one that breaks it, and the field the error must name.
 */
export const messageRules: Array<{ rule: string; ok: Record<string, unknown>; bad: Record<string, unknown>; field: string }> = [
  { rule: 'type is one of the four', ok: { type: 'text', text: 'Hi' }, bad: { type: 'sticker', text: 'Hi' }, field: 'message.type' },
  { rule: 'text is required', ok: { type: 'text', text: 'Hi' }, bad: { type: 'text' }, field: 'message.text' },
  { rule: 'text ≤ 7,000', ok: { type: 'text', text: 'x'.repeat(7000) }, bad: { type: 'text', text: 'x'.repeat(7001) }, field: 'message.text' },
  {
    rule: 'attachment.type is image|video|audio|file',
    ok: { type: 'attachment', attachment: { type: 'audio', url: 'https://abc/a.mp3' } },
    bad: { type: 'attachment', attachment: { type: 'sticker', url: 'https://abc/a.png' } },
    field: 'message.attachment.type',
  },
  {
    rule: 'attachment.url is required',
    ok: { type: 'attachment', attachment: { type: 'file', url: 'https://abc/a.pdf' } },
    bad: { type: 'attachment', attachment: { type: 'file' } },
    field: 'message.attachment.url',
  },
  {
    rule: 'attachment.url ≤ 2,000',
    ok: { type: 'attachment', attachment: { type: 'file', url: `https://abc/${'a'.repeat(2000 - 12)}` } },
    bad: { type: 'attachment', attachment: { type: 'file', url: `https://abc/${'a'.repeat(2000 - 11)}` } },
    field: 'message.attachment.url',
  },
  {
    rule: 'mimeType is optional',
    ok: { type: 'attachment', attachment: { type: 'image', url: 'https://abc/japan.png', mimeType: 'image/png' } },
    bad: { type: 'attachment', attachment: { type: 'image', url: 'https://abc/japan.png', mimeType: 5 } },
    field: 'message.attachment.mimeType',
  },
  {
    rule: 'fileName has an extension',
    ok: { type: 'attachment', attachment: { type: 'file', url: 'https://abc/x', fileName: 'company logo.png' } },
    bad: { type: 'attachment', attachment: { type: 'file', url: 'https://abc/x', fileName: 'company logo' } },
    field: 'message.attachment.fileName',
  },
  {
    rule: 'fileName ≤ 256 with the extension',
    ok: { type: 'attachment', attachment: { type: 'file', url: 'https://abc/x', fileName: `${'f'.repeat(252)}.pdf` } },
    bad: { type: 'attachment', attachment: { type: 'file', url: 'https://abc/x', fileName: `${'f'.repeat(253)}.pdf` } },
    field: 'message.attachment.fileName',
  },
  {
    rule: 'description ≤ 256',
    ok: { type: 'attachment', attachment: { type: 'image', url: 'https://abc/japan.png', description: 'd'.repeat(256) } },
    bad: { type: 'attachment', attachment: { type: 'image', url: 'https://abc/japan.png', description: 'd'.repeat(257) } },
    field: 'message.attachment.description',
  },
  {
    rule: 'description only for images',
    ok: { type: 'attachment', attachment: { type: 'image', url: 'https://abc/japan.png', description: 'latest company logo' } },
    bad: { type: 'attachment', attachment: { type: 'video', url: 'https://abc/japan.mp4', description: 'latest company logo' } },
    field: 'message.attachment.description',
  },
  { rule: 'latitude required', ok: { type: 'location', latitude: 0.123456, longitude: -0.1234 }, bad: { type: 'location', longitude: -0.1234 }, field: 'message.latitude' },
  { rule: 'latitude ±90', ok: { type: 'location', latitude: -90, longitude: 0 }, bad: { type: 'location', latitude: 90.0001, longitude: 0 }, field: 'message.latitude' },
  { rule: 'longitude ±180', ok: { type: 'location', latitude: 0, longitude: 180 }, bad: { type: 'location', latitude: 0, longitude: -180.5 }, field: 'message.longitude' },
  {
    rule: 'address ≤ 256',
    ok: { type: 'location', latitude: 1, longitude: 1, address: 'a'.repeat(256) },
    bad: { type: 'location', latitude: 1, longitude: 1, address: 'a'.repeat(257) },
    field: 'message.address',
  },
  { rule: 'title required', ok: { type: 'quick_reply', title: 'Pick', replies: ['Malay'] }, bad: { type: 'quick_reply', replies: ['Malay'] }, field: 'message.title' },
  {
    rule: 'title ≤ 256',
    ok: { type: 'quick_reply', title: 't'.repeat(256), replies: ['Malay'] },
    bad: { type: 'quick_reply', title: 't'.repeat(257), replies: ['Malay'] },
    field: 'message.title',
  },
  {
    rule: 'at most 10 replies',
    ok: { type: 'quick_reply', title: 'Pick', replies: Array.from({ length: 10 }, (_, i) => `r${i}`) },
    bad: { type: 'quick_reply', title: 'Pick', replies: Array.from({ length: 11 }, (_, i) => `r${i}`) },
    field: 'message.replies',
  },
  { rule: 'at least 1 reply', ok: { type: 'quick_reply', title: 'Pick', replies: ['Malay', 'English'] }, bad: { type: 'quick_reply', title: 'Pick', replies: [] }, field: 'message.replies' },
  {
    rule: 'reply ≤ 256',
    ok: { type: 'quick_reply', title: 'Pick', replies: ['r'.repeat(256)] },
    bad: { type: 'quick_reply', title: 'Pick', replies: ['ok', 'r'.repeat(257)] },
    field: 'message.replies[1]',
  },
];
