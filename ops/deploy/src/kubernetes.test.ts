import { readFileSync } from "node:fs";
import path from "node:path";
import { REMOTE_SERVICES, SERVICE_ROLES } from "@varai/gateway/service-roles";
import { describe, expect, it } from "vitest";
import { backendsOf, networkAllows, ruleViolations, selects, serviceRoleOf } from "./k8s-rules.ts";
import { deployDir, type KubeObject, overlays, renderKustomization, renderOverlay } from "./render.ts";
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

  it("every environment runs the split deployment: the gateway forwards all seven services, each role of SERVICE_ROLES runs", () => {
    for (const overlay of overlays()) {
      const objects = renderOverlay(overlay);
      const gatewayConfig = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "gateway-config") as
        | (KubeObject & { data: Record<string, string> })
        | undefined;
      expect(Object.keys(gatewayConfig?.data ?? {}).sort()).toEqual(
        REMOTE_SERVICES.map((name) => `SERVICE_URL_${name.toUpperCase()}`).sort(),
      );
      const roles = objects.filter((o) => o.kind === "Deployment").map(serviceRoleOf);
      // `catalog` (intake and workers in one) is for a small install; here they scale apart.
      expect(roles.filter((r) => r !== null).sort()).toEqual(
        Object.keys(SERVICE_ROLES)
          .filter((r) => r !== "catalog")
          .sort(),
      );
    }
  });

  it("the README's Processes table is what the base and production render", () => {
    const readme = readFileSync(path.join(deployDir, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Processes"), readme.indexOf("## Render"));
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    const summary = (objects: readonly KubeObject[], name: string) => {
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!;
      const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === name)!.spec as {
        minReplicas: number;
        maxReplicas: number;
        metrics: Array<{ resource: { target: { averageUtilization: number } } }>;
      };
      const template = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      const { requests, limits } = (
        template as unknown as {
          spec: { containers: Array<{ resources: Record<"requests" | "limits", { cpu: string; memory: string }> }> };
        }
      ).spec.containers[0]!.resources;
      return {
        resources: `${requests.cpu}, ${requests.memory} / ${limits.cpu}, ${limits.memory}`,
        cpu: hpa.metrics[0]!.resource.target.averageUtilization,
        bounds: `${hpa.minReplicas}-${hpa.maxReplicas}`,
        egress: template.metadata.labels["varai.io/egress-https"] === "true",
        service: objects.some((o) => o.kind === "Service" && o.metadata.name === name),
      };
    };
    const base = renderKustomization("k8s/base");
    const production = renderOverlay("production");
    const deployments = production.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name);
    expect(rows.map((r) => r[1]!.replaceAll("`", "")).sort()).toEqual(deployments.sort());
    for (const [, name, service, resources, hpa, https] of rows) {
      const deployment = name!.replaceAll("`", "");
      const b = summary(base, deployment);
      const p = summary(production, deployment);
      expect({ deployment, resources, hpa, service: service !== "none (serves only probes, metrics)" }).toEqual({
        deployment,
        resources: b.resources,
        hpa: `${b.cpu} %, ${b.bounds}; ${p.bounds}`,
        service: b.service,
      });
      // The gateway has its own egress policy; the services get HTTPS by the label.
      if (deployment !== "gateway")
        expect({ deployment, https: https !== "none" }).toEqual({ deployment, https: b.egress });
    }
  });

  it("production routes recommendations to both regions; development keeps them in-process", () => {
    const config = (overlay: string) =>
      (
        renderOverlay(overlay).find(
          (o) => o.kind === "ConfigMap" && o.metadata.name === "varai-config",
        ) as KubeObject & {
          data: Record<string, string>;
        }
      ).data;
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

  /** The fields the broken copies below change (the schema test checks the real shapes). */
  interface Editable {
    data: Record<string, string>;
    spec: {
      selector: Record<string, string>;
      template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }>; command: string[] }> } };
    };
  }
  const edit = (objects: readonly KubeObject[], kind: string, name: string, change: (o: Editable) => void) =>
    objects.map((o) => {
      if (o.kind !== kind || o.metadata.name !== name) return o;
      const copy = structuredClone(o);
      change(copy as unknown as Editable);
      return copy;
    });

  it("reports a SERVICE_URL_* to a missing Service, a wrong port, a Service that selects nothing, a path the NetworkPolicies close", () => {
    const missing = edit(base, "ConfigMap", "gateway-config", (c) => {
      c.data.SERVICE_URL_ML = "http://mll";
      c.data.SERVICE_URL_AUTH = "http://auth:8080";
      c.data.SERVICE_URL_STORAGE = "http://storage.varai-staging.svc";
    });
    expect(ruleViolations(missing)).toEqual(
      expect.arrayContaining([
        "gateway: SERVICE_URL_ML=http://mll: no Service mll in this render",
        "gateway: SERVICE_URL_AUTH=http://auth:8080: Service auth has no port 8080",
        "gateway: SERVICE_URL_STORAGE=http://storage.varai-staging.svc is not a Service of namespace varai-production",
        // ml and auth are now called by nobody.
        "ml serves ml, but no gateway SERVICE_URL_* reaches it",
      ]),
    );
    const unselected = edit(base, "Service", "widgets", (s) => {
      s.spec.selector = { "app.kubernetes.io/name": "widget" };
    });
    expect(ruleViolations(unselected)).toEqual(
      expect.arrayContaining([
        "Service widgets selects no Deployment",
        "gateway: SERVICE_URL_WIDGETS=http://widgets: Service widgets selects no Deployment",
      ]),
    );
    const closed = base.filter((o) => o.metadata.name !== "services-ingress");
    expect(ruleViolations(closed)).toContain(
      "gateway: SERVICE_URL_ANALYTICS=http://analytics: the NetworkPolicies do not let gateway reach analytics on 8080",
    );
    // The same URL in a service's own configuration is caught too: nothing lets one service call another.
    const sideways = edit(base, "Deployment", "storage", (d) => {
      d.spec.template.spec.containers[0]!.env.push({ name: "SERVICE_URL_ML", value: "http://ml" });
    });
    expect(ruleViolations(sideways)).toContain(
      "storage: SERVICE_URL_ML=http://ml: the NetworkPolicies do not let storage reach ml on 8080",
    );
  });

  it("reports a SERVICE_URL_* to the wrong role, consumers nobody runs, an unknown role", () => {
    const swapped = edit(base, "ConfigMap", "gateway-config", (c) => {
      c.data.SERVICE_URL_ML = "http://storage";
    });
    expect(ruleViolations(swapped)).toEqual(
      expect.arrayContaining([
        "gateway: SERVICE_URL_ML reaches storage, which does not serve ml (role storage)",
        "ml serves ml, but no gateway SERVICE_URL_* reaches it",
      ]),
    );
    const noWorkers = base.filter((o) => o.metadata.name !== "catalog-workers");
    expect(ruleViolations(noWorkers)).toContain("gateway forwards catalog, but no Deployment runs its consumers");
    const typo = edit(base, "Deployment", "auth", (d) => {
      d.spec.template.spec.containers[0]!.command[2] = "authn";
    });
    expect(ruleViolations(typo)).toContain("auth runs unknown role authn");
  });

  it("reads label selectors and NetworkPolicies as Kubernetes does", () => {
    const labels = { "app.kubernetes.io/name": "ml", "app.kubernetes.io/component": "service" };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { "app.kubernetes.io/name": "ml" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { "app.kubernetes.io/name": "auth" } }, labels)).toBe(false);
    const expr = (operator: "In" | "NotIn" | "Exists" | "DoesNotExist", values?: string[]) => ({
      matchExpressions: [{ key: "app.kubernetes.io/component", operator, ...(values ? { values } : {}) }],
    });
    expect(selects(expr("In", ["service", "worker"]), labels)).toBe(true);
    expect(selects(expr("NotIn", ["service"]), labels)).toBe(false);
    expect(selects(expr("Exists"), labels)).toBe(true);
    expect(selects(expr("DoesNotExist"), labels)).toBe(false);

    const podLabels = (name: string) =>
      (
        base.find((o) => o.kind === "Deployment" && o.metadata.name === name)!.spec as {
          template: { metadata: { labels: Record<string, string> } };
        }
      ).template.metadata.labels;
    const http = { number: 8080, name: "http" };
    expect(networkAllows(base, podLabels("gateway"), podLabels("ml"), http)).toBe(true);
    expect(networkAllows(base, podLabels("ml"), podLabels("gateway"), http)).toBe(false);
    expect(networkAllows(base, podLabels("gateway"), podLabels("catalog-workers"), http)).toBe(false);
    expect(networkAllows(base, podLabels("gateway"), podLabels("ml"), { number: 9090 })).toBe(false);
    // Egress alone is not enough: without gateway-egress the gateway's packets never leave.
    const noEgress = base.filter((o) => o.metadata.name !== "gateway-egress");
    expect(networkAllows(noEgress, podLabels("gateway"), podLabels("ml"), http)).toBe(false);
    const ml = base.find((o) => o.kind === "Service" && o.metadata.name === "ml")!;
    expect(backendsOf(base, ml).map((d) => d.metadata.name)).toEqual(["ml"]);
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
