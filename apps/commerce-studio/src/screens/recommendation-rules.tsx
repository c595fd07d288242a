import {
  problemsByField,
  type RankingPreview,
  useCan,
  useRankingPreview,
  useRules,
  useSaveRules,
} from "@varai/admin-kit";
import {
  FACE_SHAPES,
  type FaceShape,
  FRAME_SHAPES,
  PreviewRequestSchema,
  type StyleRules,
  StyleRulesSchema,
} from "@varai/schema";
import { useEffect, useState } from "react";
import {
  Button,
  FieldError,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  NumberField,
  Popover,
  Select,
  SelectValue,
} from "react-aria-components";
import { ErrorState, Loading, PageHeader, VersionedSaveFooter } from "../parts.tsx";

const WEIGHTS = [
  ["fit", "Fit (sizes in mm)"],
  ["style", "Style (this table)"],
  ["preference", "Preference model"],
] as const;

/** zod issues as form errors, named like the API's (`rules.shapes.round.rectangle`). */
const issuesOf = (prefix: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  Object.fromEntries(issues.map((i) => [[prefix, ...i.path.map(String)].filter(Boolean).join("."), i.message]));

function FaceShapeSelect(props: { label: string; value: FaceShape; onChange: (shape: FaceShape) => void }) {
  return (
    <Select selectedKey={props.value} onSelectionChange={(key) => props.onChange(key as FaceShape)}>
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
      </Button>
      <Popover>
        <ListBox>
          {FACE_SHAPES.map((shape) => (
            <ListBoxItem key={shape} id={shape}>
              {shape}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** One 0-1 number; errors clear while typing so the message does not vanish under a click. */
function Share(props: {
  name: string;
  label: string;
  value: number | undefined;
  isReadOnly: boolean;
  onChange: (value: number) => void;
  onInput: () => void;
}) {
  return (
    <NumberField
      name={props.name}
      value={props.value ?? Number.NaN}
      step={0.05}
      formatOptions={{ maximumFractionDigits: 2 }}
      isReadOnly={props.isReadOnly}
      onChange={props.onChange}
    >
      <Label>{props.label}</Label>
      <Input onInput={props.onInput} />
      <FieldError />
    </NumberField>
  );
}

function PreviewPanel({ rules }: { rules: StyleRules }) {
  const preview = useRankingPreview();
  const [face, setFace] = useState<FaceShape>("round");
  const [pd, setPd] = useState<number>(Number.NaN);
  const [width, setWidth] = useState<number>(Number.NaN);
  const [local, setLocal] = useState<Record<string, string>>({});
  const api = problemsByField(preview.error);
  const errors = { ...api.fields, ...local };
  const cleared = () => {
    setLocal({});
    if (preview.error) preview.reset();
  };
  return (
    <section className="card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview for a sample face</h2>
      <p className="muted">
        The ranking with the rules as edited here (not yet saved): fit, style and merchant boosts. The preference model
        learns from real shoppers and is left out.
      </p>
      <Form
        validationErrors={errors}
        onSubmit={(e) => {
          e.preventDefault();
          const sized = !Number.isNaN(pd) || !Number.isNaN(width);
          const body = {
            faceShape: face,
            rules,
            ...(sized ? { measurements: { pupillaryDistanceMm: pd, faceWidthMm: width } } : {}),
          };
          const parsed = PreviewRequestSchema.safeParse(body);
          if (!parsed.success) {
            setLocal(issuesOf("", parsed.error.issues));
            return;
          }
          setLocal({});
          preview.mutate(parsed.data);
        }}
      >
        <FaceShapeSelect label="Sample face shape" value={face} onChange={setFace} />
        <div className="grid-2">
          <NumberField
            name="measurements.pupillaryDistanceMm"
            value={pd}
            onChange={setPd}
            formatOptions={{ maximumFractionDigits: 1 }}
          >
            <Label>Pupillary distance (mm, optional)</Label>
            <Input onInput={cleared} />
            <FieldError />
          </NumberField>
          <NumberField
            name="measurements.faceWidthMm"
            value={width}
            onChange={setWidth}
            formatOptions={{ maximumFractionDigits: 1 }}
          >
            <Label>Face width (mm, optional)</Label>
            <Input onInput={cleared} />
            <FieldError />
          </NumberField>
        </div>
        {(api.form || Object.keys(errors).some((k) => k.startsWith("rules."))) && (
          <p className="form-error" role="alert">
            {api.form ?? "Fix the rules first"}
          </p>
        )}
        <Button type="submit" className="button secondary" isDisabled={preview.isPending}>
          {preview.isPending ? "Ranking…" : "Preview ranking"}
        </Button>
      </Form>
      {preview.isSuccess && <Ranking result={preview.data} />}
    </section>
  );
}

function Ranking({ result }: { result: RankingPreview }) {
  if (result.items.length === 0) return <p className="muted">{result.reason ?? "Nothing qualifies."}</p>;
  return (
    <ol className="ranking" aria-label="Preview ranking">
      {result.items.map((item) => (
        <li key={item.productId} data-product-id={item.productId}>
          <span className="ranking-title">{item.title}</span>{" "}
          <span className="muted">score {item.score.toFixed(2)}</span>
          {item.reasons.length > 0 && <span className="ranking-reasons">{item.reasons.join("; ")}</span>}
        </li>
      ))}
    </ol>
  );
}

export function RecommendationRulesScreen() {
  const rules = useRules();
  const save = useSaveRules();
  const canEdit = useCan("recommendations:manage");
  const [draft, setDraft] = useState<StyleRules | null>(null);
  const [face, setFace] = useState<FaceShape>("round");
  const [local, setLocal] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!rules.data) return;
    const parsed = StyleRulesSchema.safeParse(rules.data.rules);
    if (parsed.success) setDraft(parsed.data);
  }, [rules.data]);
  const api = problemsByField(save.error);
  const errors = { ...api.fields, ...local };
  const cleared = () => {
    setLocal({});
    if (save.error) save.reset();
  };

  if (rules.isPending) return <Loading what="recommendation rules" />;
  if (rules.isError) return <ErrorState error={rules.error} retry={() => void rules.refetch()} />;
  if (!draft) return <ErrorState error={new Error("the stored rules do not match this version of Studio")} />;
  const version = rules.data.version;
  const edit = (change: (r: StyleRules) => void) =>
    setDraft((current) => {
      if (!current) return current;
      const next = structuredClone(current);
      change(next);
      return next;
    });

  return (
    <section>
      <PageHeader title="Recommendation rules" />
      <p className="muted">
        {rules.data.isDefault ? "The defaults (never edited)" : `Version ${version}`}
        {rules.data.updatedAt ? `, saved ${new Date(rules.data.updatedAt).toLocaleString()}` : ""}. How well each frame
        shape suits each face shape, from 0 (usually avoided) through 0.5 (neutral) to 1 (usually recommended), and how
        the parts of the score mix.
      </p>
      <div className="split">
        <Form
          className="settings-form"
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = StyleRulesSchema.safeParse(draft);
            if (!parsed.success) {
              setLocal(issuesOf("rules", parsed.error.issues));
              return;
            }
            setLocal({});
            save.mutate({ rules: parsed.data, expectedVersion: version });
          }}
        >
          <FaceShapeSelect label="Face shape to edit" value={face} onChange={setFace} />
          <fieldset>
            <legend>Frame shapes for a {face} face</legend>
            <div className="grid-2">
              {FRAME_SHAPES.map((frame) => (
                <Share
                  key={`${face}-${frame}`}
                  name={`rules.shapes.${face}.${frame}`}
                  label={frame}
                  value={draft.shapes[face]?.[frame] ?? 0.5}
                  isReadOnly={!canEdit}
                  onInput={cleared}
                  onChange={(value) =>
                    edit((r) => {
                      r.shapes[face] = { ...r.shapes[face], [frame]: value };
                    })
                  }
                />
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>How the score mixes</legend>
            <div className="grid-2">
              {WEIGHTS.map(([part, label]) => (
                <Share
                  key={part}
                  name={`rules.weights.${part}`}
                  label={label}
                  value={draft.weights[part]}
                  isReadOnly={!canEdit}
                  onInput={cleared}
                  onChange={(value) =>
                    edit((r) => {
                      r.weights[part] = value;
                    })
                  }
                />
              ))}
              <Share
                name="rules.rimShare"
                label="Rim type's share of style"
                value={draft.rimShare}
                isReadOnly={!canEdit}
                onInput={cleared}
                onChange={(value) =>
                  edit((r) => {
                    r.rimShare = value;
                  })
                }
              />
            </div>
            {errors["rules.weights"] && (
              <p className="form-error" role="alert">
                {errors["rules.weights"]}
              </p>
            )}
          </fieldset>
          <VersionedSaveFooter error={api.form} save={save} canEdit={canEdit} submit="Save rules" />
        </Form>
        <PreviewPanel rules={draft} />
      </div>
    </section>
  );
}
