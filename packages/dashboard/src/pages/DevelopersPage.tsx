import { EventsSection } from './EventsSection';
import { KeysSection } from './KeysSection';
import { RiskRulesSection } from './RiskRulesSection';
import { WebhookSecretSection } from './WebhookSecretSection';

export function DevelopersPage() {
  return (
    <>
      <h1>Developers</h1>
      <KeysSection />
      <WebhookSecretSection />
      <EventsSection />
      <RiskRulesSection />
    </>
  );
}
