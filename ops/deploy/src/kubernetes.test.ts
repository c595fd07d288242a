import { describe, expect, it } from "vitest";
import { ruleViolations } from "./k8s-rules.ts";
import { type KubeObject, overlays, renderOverlay } from "./render.ts";
import { schemaErrors } from "./schemas.ts";

describe("Kubernetes overlays", () => {
  it("are development, staging and production", () => {
    expect(overlays()).toEqual(["development", "production", "staging"]);
  });

  for (const overlay of overlays()) {
    describe(overlay, () => {
      const objects = renderOverlay(overlay);

      it("every rendered object validates against its Kubernetes (or CRD) JSON schema", () => {
        const errors = objects
          .map((o) => [`${o.kind}/${o.metadata.name}`, schemaErrors(o)] as const)
          .filter(([, error]) => error !== "");
        expect(errors).toEqual([]);
        expect(objects.length).toBeGreaterThan(10);
      });

      it("keeps the rules: non-root, read-only, probed, limited, one HPA and PDB per Deployment, default deny", () => {
        expect(ruleViolations(objects)).toEqual([]);
      });

      it(`lives in namespace varai-${overlay}, with secrets only from the secret manager`, () => {
        expect(objects.find((o) => o.kind === "Namespace")?.metadata.name).toBe(`varai-${overlay}`);
        const store = objects.find((o) => o.kind === "SecretStore") as KubeObject & {
          spec: { provider: { gcpsm: { projectID: string } } };
        };
        expect(store.spec.provider.gcpsm.projectID).toBe(`varai-${overlay}`);
        expect(objects.some((o) => o.kind === "ExternalSecret")).toBe(true);
      });
    });
  }

  it("production routes recommendations to both regions; development keeps them in-process", () => {
    const config = (overlay: string) =>
      (renderOverlay(overlay).find((o) => o.kind === "ConfigMap") as KubeObject & { data: Record<string, string> })
        .data;
    expect(config("production")).toMatchObject({
      RECS_URL_US: expect.stringMatching(/^https:\/\/ml-datadriven-recos-.*us-central1/),
      RECS_URL_EU: expect.stringMatching(/^https:\/\/ml-datadriven-recos-.*europe-west1/),
    });
    expect(config("development")).not.toHaveProperty("RECS_URL_US");
  });
});

describe("the rule checks can fail", () => {
  const base = renderOverlay("production");
  const withGateway = (edit: (container: Record<string, unknown>, pod: Record<string, unknown>) => void) =>
    base.map((o) => {
      if (o.kind !== "Deployment") return o;
      const copy = structuredClone(o) as KubeObject & {
        spec: { template: { spec: { containers: Record<string, unknown>[] } & Record<string, unknown> } };
      };
      edit(copy.spec.template.spec.containers[0]!, copy.spec.template.spec);
      return copy;
    });

  it("reports a root container, a missing probe, a missing limit, a literal secret", () => {
    const broken = withGateway((container, pod) => {
      container.securityContext = { runAsUser: 0 };
      pod.securityContext = {};
      delete container.readinessProbe;
      container.resources = { requests: { cpu: "1", memory: "1Gi" } };
      container.env = [{ name: "SHOPIFY_API_SECRET", value: "shh" }];
    });
    const problems = ruleViolations(broken).join("\n");
    expect(problems).toContain("gateway/gateway: runAsNonRoot is not true");
    expect(problems).toContain("gateway/gateway: runs as uid 0");
    expect(problems).toContain("root filesystem is writable");
    expect(problems).toContain("no readiness probe on /readyz");
    expect(problems).toContain("no limits for cpu and memory");
    expect(problems).toContain("SHOPIFY_API_SECRET is a literal value");
  });

  it("reports a second HPA, a missing PDB, a Secret object and no default deny", () => {
    const hpa = base.find((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === "gateway")!;
    const objects = [
      ...base.filter((o) => o.kind !== "PodDisruptionBudget" && o.metadata.name !== "default-deny-all"),
      { ...hpa, metadata: { ...hpa.metadata, name: "gateway-2" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "oops", namespace: "varai-production" } },
    ];
    expect(ruleViolations(objects)).toEqual(
      expect.arrayContaining([
        "gateway: 2 HPAs (want exactly 1)",
        "gateway: no PodDisruptionBudget",
        "no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)",
        "Secret oops is in the manifests",
      ]),
    );
  });

  it("schema validation rejects a malformed object", () => {
    const deployment = structuredClone(base.find((o) => o.kind === "Deployment")!) as KubeObject & {
      spec: { replicas: unknown };
    };
    deployment.spec.replicas = "two";
    expect(schemaErrors(deployment)).toContain("replicas must be integer");
    expect(schemaErrors({ apiVersion: "v9", kind: "Thing", metadata: { name: "x" } })).toContain("no schema");
  });
});
