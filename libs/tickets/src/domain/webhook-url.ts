import { MasalaException, type FieldError } from '#kernel';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Parses a webhook URL: absolute http or https, without credentials or fragment. */
export function parseWebhookUrl(raw: string): URL {
  const problem = (message: string): never => {
    const error: FieldError = { field: 'url', rule: 'url', message };
    throw MasalaException.validation([error]);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem('url must be an absolute URL such as https://hooks.example.org/masala');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problem('url must use https or http');
  if (url.username !== '' || url.password !== '') problem('url must not contain a user name or password');
  if (url.hash !== '') problem('url must not contain a fragment (#...)');
  return url;
}
