import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { MetricsService } from './metrics.service.js';

/**
 * Times every request by its route pattern (not the concrete URL, so ids do not explode the label set), when the
 * response is finished — after the exception filter has set the final status of an error.
 */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ method: string; route?: { path?: string } }>();
    const response = http.getResponse<{ statusCode: number; once(event: 'finish', listener: () => void): void }>();
    const stop = this.metrics.httpDuration.startTimer();
    response.once('finish', () => stop({ method: request.method, route: request.route?.path ?? 'unmatched', status: String(response.statusCode) }));
    return next.handle();
  }
}
