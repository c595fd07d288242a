import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_NAME } from "./k8s-rules.ts";
import { deployDir, type KubeObject, readYaml } from "./render.ts";
import { schemaErrors } from "./schemas.ts";

interface CloudRunService extends KubeObject {
  metadata: KubeObject["metadata"] & { annotations?: Record<string, string> };
  spec: {
    template: {
      metadata: { annotations: Record<string, string> };
      spec: {
        containerConcurrency: number;
        containers: Array<{
          image: string;
          env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
          resources: { limits: { cpu: string; memory: string } };
          startupProbe?: { httpGet: { path: string } };
        }>;
      };
    };
  };
}

/** The regions ml-datadriven-recos runs in, and the tenant region each serves. */
const REGIONS = { "us-central1": "us", "europe-west1": "eu" } as const;

const manifest = (region: string) => readYaml(`cloudrun/ml-datadriven-recos.${region}.yaml`)[0] as CloudRunService;

describe("Cloud Run: ml-datadriven-recos", () => {
  it("has one manifest per region, us-central1 and europe-west1", () => {
    expect(readdirSync(path.join(deployDir, "cloudrun")).sort()).toEqual([
      "ml-datadriven-recos.europe-west1.yaml",
      "ml-datadriven-recos.us-central1.yaml",
    ]);
  });

  for (const [region, area] of Object.entries(REGIONS)) {
    describe(region, () => {
      const service = manifest(region);
      const annotations = service.spec.template.metadata.annotations;
      const container = service.spec.template.spec.containers[0]!;
      const env = Object.fromEntries(container.env.map((e) => [e.name, e]));

      it("validates against the Knative Serving schema (Cloud Run's API)", () => {
        expect(schemaErrors(service)).toBe("");
        expect(service.metadata.name).toBe("ml-datadriven-recos");
        expect(service.metadata.labels?.["cloud.googleapis.com/location"]).toBe(region);
      });

      it("sets min/max instances, concurrency and CPU", () => {
        const min = Number(annotations["autoscaling.knative.dev/minScale"]);
        const max = Number(annotations["autoscaling.knative.dev/maxScale"]);
        expect(min).toBeGreaterThanOrEqual(1); // no cold start on a shopper's request
        expect(max).toBeGreaterThan(min);
        expect(service.spec.template.spec.containerConcurrency).toBeGreaterThan(0);
        expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.startupProbe?.httpGet.path).toBe("/healthz");
      });

      it(`serves region "${area}" from this region's store, image registry and secrets`, () => {
        expect(env.VARAI_REGION?.value).toBe(area);
        expect(env.MONGODB_URL?.valueFrom?.secretKeyRef.name).toBe(`varai-mongodb-url-${area}`);
        expect(env.REDIS_URL?.valueFrom?.secretKeyRef.name).toBe(`varai-redis-url-${area}`);
        expect(env.VARAI_INTERNAL_KEY?.valueFrom?.secretKeyRef.name).toBe("varai-internal-key");
        expect(
          container.image.startsWith(region.startsWith("us") ? "us-docker.pkg.dev/" : "europe-docker.pkg.dev/"),
        ).toBe(true);
        expect(service.metadata.annotations?.["run.googleapis.com/ingress"]).toBe("internal");
      });

      it("holds no secret value: every credential is a Secret Manager reference", () => {
        const literal = container.env.filter((e) => SECRET_NAME.test(e.name) && e.value !== undefined);
        expect(literal).toEqual([]);
      });
    });
  }
});
