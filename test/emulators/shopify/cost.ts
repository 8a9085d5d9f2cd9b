import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

// Shopify's calculated query cost (shopify.dev "API rate limits", "Calculated query costs"): scalars and enums 0,
// objects 1, connections 2 plus the page size times the cost of one node, mutations 10. The requested cost uses
// `first`/`last`; the actual cost counts what was returned.

const mutationCost = 10;

type Data = Record<string, unknown> | null | undefined;

interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argumentNumber(field: FieldNode, name: string, input: CostInput): number | null {
  const arg = field.arguments?.find((candidate) => candidate.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.VARIABLE) {
    const value = input.variables[arg.value.name.value];
    return typeof value === "number" ? value : null;
  }
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  return null;
}

function collectFields(selectionSet: SelectionSetNode, input: CostInput, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, input, out);
    else {
      const fragment = input.fragments[selection.name.value];
      if (fragment) collectFields(fragment.selectionSet, input, out);
    }
  }
  return out;
}

function selectionCost(
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  input: CostInput,
  data: Data,
  actual: boolean,
): number {
  let total = 0;
  for (const field of collectFields(selectionSet, input)) {
    if (field.name.value.startsWith("__")) continue;
    const fields = "getFields" in parentType ? parentType.getFields() : {};
    const definition = fields[field.name.value];
    if (!definition) continue;
    const named = getNamedType(definition.type);
    if (isLeafType(named) || !field.selectionSet || !isCompositeType(named)) continue;
    const value = data?.[field.alias?.value ?? field.name.value];
    if (named.name.endsWith("Connection") && isObjectType(named)) {
      total += connectionCost(field, named, input, value as Data, actual);
      continue;
    }
    const unwrapped = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
    if (isListType(unwrapped)) {
      if (actual) {
        for (const item of Array.isArray(value) ? (value as Data[]) : []) {
          total += 1 + selectionCost(field.selectionSet, named, input, item, true);
        }
      } else {
        const size = argumentNumber(field, "first", input) ?? 1;
        total += size * (1 + selectionCost(field.selectionSet, named, input, undefined, false));
      }
      continue;
    }
    if (actual && (value === null || value === undefined)) continue;
    total += 1 + selectionCost(field.selectionSet, named, input, value as Data, actual);
  }
  return total;
}

function connectionCost(
  field: FieldNode,
  connectionType: GraphQLCompositeType,
  input: CostInput,
  data: Data,
  actual: boolean,
): number {
  if (!field.selectionSet || !("getFields" in connectionType)) return 2;
  const connectionFields = connectionType.getFields();
  let perNode = 0;
  const dataNodes: Data[] = [];
  for (const child of collectFields(field.selectionSet, input)) {
    const key = child.alias?.value ?? child.name.value;
    const childData = data?.[key];
    if (child.name.value === "nodes" && child.selectionSet) {
      const nodeType = getNamedType(connectionFields.nodes?.type);
      if (nodeType && isCompositeType(nodeType)) {
        if (actual)
          for (const node of (childData as Data[]) ?? [])
            perNode += 1 + selectionCost(child.selectionSet, nodeType, input, node, true);
        else perNode = Math.max(perNode, 1 + selectionCost(child.selectionSet, nodeType, input, undefined, false));
        if (actual) dataNodes.push(...((childData as Data[]) ?? []));
      }
    } else if (child.name.value === "edges" && child.selectionSet) {
      const edgeType = getNamedType(connectionFields.edges?.type);
      if (edgeType && isCompositeType(edgeType)) {
        if (actual)
          for (const edge of (childData as Data[]) ?? [])
            perNode += selectionCost(child.selectionSet, edgeType, input, edge, true);
        else perNode = Math.max(perNode, selectionCost(child.selectionSet, edgeType, input, undefined, false));
      }
    }
  }
  if (actual) return 2 + perNode;
  const size = argumentNumber(field, "first", input) ?? argumentNumber(field, "last", input) ?? 0;
  return 2 + size * perNode;
}

export function operationCost(input: CostInput, data?: Data): number {
  const actual = data !== undefined;
  if (input.operation.operation === "mutation") {
    return (
      collectFields(input.operation.selectionSet, input).filter((field) => !field.name.value.startsWith("__")).length *
      mutationCost
    );
  }
  const root = input.schema.getQueryType();
  if (!root) return 0;
  return selectionCost(input.operation.selectionSet, root, input, data, actual);
}
