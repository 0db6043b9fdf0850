import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import { ErrorCode, MASALA_SETTINGS, MasalaException, type MasalaSettings } from '#kernel';

/** Multipart field that carries the file. */
export const FILE_FIELD = 'file';
/** Text fields an upload may send besides the file. */
const ALLOWED_FIELDS = new Set(['internal']);

/**
 * Reads a multipart upload into memory with multer, enforcing MASALA_MAX_ATTACHMENT_BYTES while
 * the bytes arrive, so an oversized upload is cut off with 413 instead of filling the disk or memory.
 */
@Injectable()
export class AttachmentUploadInterceptor implements NestInterceptor {
  private readonly upload: ReturnType<ReturnType<typeof multer>['single']>;

  constructor(@Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings) {
    this.upload = multer({
      storage: multer.memoryStorage(),
      defParamCharset: 'utf8',
      limits: { fileSize: settings.maxAttachmentBytes, files: 1, fields: 5, fieldSize: 1024, parts: 8 },
    }).single(FILE_FIELD);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (!request.is('multipart/form-data')) {
      const message = `Upload the file as multipart/form-data in the field "${FILE_FIELD}"`;
      throw new MasalaException(ErrorCode.UnsupportedMediaType, message, {
        errors: [{ field: 'content-type', rule: 'unsupported_media_type', message }],
        headers: { Accept: 'multipart/form-data' },
      });
    }
    await new Promise<void>((resolve, reject) =>
      this.upload(request, http.getResponse<Response>(), (error: unknown) => (error ? reject(this.toProblem(error)) : resolve())),
    );
    const unknown = Object.keys((request.body as Record<string, unknown> | undefined) ?? {}).filter((name) => !ALLOWED_FIELDS.has(name));
    if (unknown.length > 0) {
      throw MasalaException.validation(
        unknown.map((name) => ({ field: name, rule: 'unknown_property', message: `property ${name} is not allowed` })),
      );
    }
    if (!request.file) {
      const message = `send the file in the multipart field "${FILE_FIELD}"`;
      throw MasalaException.validation([{ field: FILE_FIELD, rule: 'required', message }]);
    }
    return next.handle();
  }

  private toProblem(error: unknown): MasalaException {
    if (error instanceof MulterError) {
      if (error.code === 'LIMIT_FILE_SIZE') {
        return new MasalaException(
          ErrorCode.PayloadTooLarge,
          `The file exceeds the limit of ${this.settings.maxAttachmentBytes} bytes set by MASALA_MAX_ATTACHMENT_BYTES`,
          { extensions: { maxBytes: this.settings.maxAttachmentBytes } },
        );
      }
      const field = error.field ?? FILE_FIELD;
      const message =
        error.code === 'LIMIT_UNEXPECTED_FILE'
          ? `send exactly one file, in the multipart field "${FILE_FIELD}"`
          : `the multipart body is invalid: ${error.message}`;
      return MasalaException.validation([{ field, rule: 'multipart', message }]);
    }
    return MasalaException.validation([
      { field: 'body', rule: 'multipart', message: 'the multipart body could not be read; send a complete multipart/form-data body' },
    ]);
  }
}
