import { bootstrapApplication } from '@angular/platform-browser';
import { provideZonelessChangeDetection } from '@angular/core';
import { providePdirect } from '@pdirect/angular';
import { DemoComponent } from './demo.component';

// The gateway's origin: a real shop writes it here; the demo reads it from <meta name="pdirect-base-url">.
const baseUrl = document.querySelector<HTMLMetaElement>('meta[name="pdirect-base-url"]')?.content || location.origin;

bootstrapApplication(DemoComponent, {
  providers: [provideZonelessChangeDetection(), providePdirect({ baseUrl })],
}).catch((error: unknown) => console.error(error));
