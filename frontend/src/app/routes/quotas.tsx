import { QuotasPage } from "@/features/access/components/quotas-page";

export function QuotasRoute() {
  return <QuotasPage />;
}
