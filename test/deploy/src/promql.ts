import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** One series selector in a query: the metric and the labels it matches on. */
export interface SelectorUse {
  readonly metric: string;
  readonly labels: readonly string[];
  /** The function the selector is an argument of (`rate`, `increase`, …), if any. */
  readonly function?: string;
}

/** Labels a query groups or matches by (`by`, `without`, `on`, `ignoring`, `group_*`). */
export interface GroupingUse {
  readonly labels: readonly string[];
  /** Metrics selected inside the aggregation or binary expression the labels apply to. */
  readonly metrics: readonly string[];
  /** `histogram_quantile` over this aggregation: it must keep `le`. */
  readonly underHistogramQuantile: boolean;
}

export interface ParsedQuery {
  readonly selectors: readonly SelectorUse[];
  readonly groupings: readonly GroupingUse[];
  /** Syntax errors, each with the text around it. */
  readonly errors: readonly string[];
}

/**
 * Grafana's global variables stand for durations (`[$__rate_interval]`) or numbers; a
 * dashboard's own `$variables` only appear inside label matcher strings, which PromQL accepts
 * as they are.
 */
export function substituteGrafanaVariables(query: string): string {
  return query.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
}

/** Parses a PromQL query with Prometheus' own grammar (the one its UI uses). */
export function parsePromQL(rawQuery: string): ParsedQuery {
  const query = substituteGrafanaVariables(rawQuery);
  if (query.trim() === '') return { selectors: [], groupings: [], errors: ['empty query'] };
  const tree = parser.parse(query);
  const selectors: SelectorUse[] = [];
  const groupings: GroupingUse[] = [];
  const errors: string[] = [];
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);

  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        errors.push(
          `syntax error at ${ref.from}: …${query.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`,
        );
        return;
      }
      const node = ref.node;
      if (ref.name === 'VectorSelector') {
        selectors.push(selectorOf(node, text, errors));
      } else if (ref.name === 'AggregateModifier' && node.parent) {
        groupings.push({
          labels: labelNames(node, text),
          metrics: metricsUnder(node.parent, text),
          underHistogramQuantile: isHistogramQuantileArgument(node.parent, text),
        });
      } else if (ref.name === 'MatchingModifierClause' && node.parent) {
        groupings.push({
          labels: labelNames(node, text),
          metrics: metricsUnder(node.parent, text),
          underHistogramQuantile: false,
        });
      }
    },
  });
  return { selectors, groupings, errors };
}

function selectorOf(
  node: SyntaxNode,
  text: (node: SyntaxNode) => string,
  errors: string[],
): SelectorUse {
  const identifier = node.getChild('Identifier');
  const matchers = node.getChild('LabelMatchers');
  const labels: string[] = [];
  let metric = identifier ? text(identifier) : undefined;
  for (const matcher of matchers ? childrenOf(matchers) : []) {
    if (matcher.name === 'QuotedLabelName') {
      // Prometheus 3 allows `{"metric_name", label="x"}`.
      metric ??= unquote(text(matcher));
    } else if (matcher.name === 'UnquotedLabelMatcher' || matcher.name === 'QuotedLabelMatcher') {
      const name = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName');
      const value = matcher.getChild('StringLiteral');
      const label = name ? unquote(text(name)) : '';
      if (label === '__name__' && value) metric ??= unquote(text(value));
      else if (label) labels.push(label);
    }
  }
  if (!metric) errors.push(`selector without a metric name: ${text(node)}`);
  const fn = enclosingFunction(node, text);
  return { metric: metric ?? '', labels, ...(fn ? { function: fn } : {}) };
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

function labelNames(node: SyntaxNode, text: (node: SyntaxNode) => string): string[] {
  const names: string[] = [];
  for (const group of node.getChildren('GroupingLabels'))
    for (const label of childrenOf(group))
      if (label.name === 'LabelName' || label.name === 'QuotedLabelName')
        names.push(unquote(text(label)));
  return names;
}

function metricsUnder(node: SyntaxNode, text: (node: SyntaxNode) => string): string[] {
  const metrics = new Set<string>();
  const cursor = node.cursor();
  const end = node.to;
  do {
    if (cursor.from >= end) break;
    if (cursor.name === 'VectorSelector') {
      const identifier = cursor.node.getChild('Identifier');
      if (identifier) metrics.add(text(identifier));
    }
  } while (cursor.next());
  return [...metrics];
}

/** The function whose argument list holds the selector (through a range selector). */
function enclosingFunction(
  node: SyntaxNode,
  text: (node: SyntaxNode) => string,
): string | undefined {
  let parent = node.parent;
  if (parent?.name === 'MatrixSelector' || parent?.name === 'SubqueryExpr') parent = parent.parent;
  if (parent?.name !== 'FunctionCallBody') return undefined;
  const identifier = parent.parent?.getChild('FunctionIdentifier');
  return identifier ? text(identifier) : undefined;
}

function isHistogramQuantileArgument(
  aggregate: SyntaxNode,
  text: (node: SyntaxNode) => string,
): boolean {
  let parent = aggregate.parent;
  while (parent?.name === 'ParenExpr') parent = parent.parent;
  if (parent?.name !== 'FunctionCallBody') return false;
  const identifier = parent.parent?.getChild('FunctionIdentifier');
  return (
    identifier !== null && identifier !== undefined && text(identifier) === 'histogram_quantile'
  );
}

function unquote(value: string): string {
  return /^["'`].*["'`]$/s.test(value) ? value.slice(1, -1) : value;
}
