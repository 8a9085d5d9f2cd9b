import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  NoDeprecatedCustomRule,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { describe, expect, it } from "vitest";
import { adminDocuments } from "~/shopify/documents";
import { operationCost } from "../../emulators/shopify/cost";
import { adminSchema } from "../../emulators/shopify/graph";

const schema = adminSchema();
const rules = [...specifiedRules, NoDeprecatedCustomRule];

function asDocument(value: unknown): DocumentNode | null {
  if (typeof value !== "string" || !/^\s*(query|mutation|subscription)\b/.test(value)) return null;
  return parse(value);
}

// Every exported string of app/shopify that is an operation, so a new document is covered without touching this test.
const modules = import.meta.glob<Record<string, unknown>>("../../../app/shopify/*.ts", { eager: true });
const documents = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports).flatMap(([name, value]) => {
    const document = asDocument(value);
    return document ? [{ file: file.replace(/^.*app\//, "app/"), name, source: value as string, document }] : [];
  }),
);

function operationOf(document: DocumentNode): OperationDefinitionNode {
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error("no operation");
  return operation;
}

describe("Admin GraphQL documents", () => {
  it("finds the app's documents", () => {
    expect(documents.map((document) => document.name).sort()).toEqual(Object.keys(adminDocuments).sort());
  });

  it.each(documents.map((document) => [`${document.file} ${document.name}`, document] as const))(
    "%s validates against the 2026-10 schema without deprecated fields",
    (_label, { document }) => {
      expect(validate(schema, document, rules).map((error) => error.message)).toEqual([]);
    },
  );

  it.each(documents.map((document) => [document.name, document] as const))(
    "%s is a named operation whose name matches its export",
    (name, { document }) => {
      expect(operationOf(document).name?.value).toBe(name);
    },
  );

  it.each(documents.map((document) => [document.name, document] as const))(
    "%s stays under Shopify's single-query cost limit of 1000",
    (_name, { document }) => {
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      const cost = operationCost({ schema, operation: operationOf(document), fragments, variables: { first: 250 } });
      expect(cost).toBeLessThanOrEqual(1000);
    },
  );

  it("rejects a document using the deprecated fulfillmentCreateV2 mutation", () => {
    const deprecated = parse(/* GraphQL */ `
      mutation LegacyFulfill($fulfillment: FulfillmentV2Input!) {
        fulfillmentCreateV2(fulfillment: $fulfillment) {
          fulfillment {
            id
          }
        }
      }
    `);
    const messages = validate(schema, deprecated, rules).map((error) => error.message);
    expect(messages).toContainEqual(expect.stringContaining("Mutation.fulfillmentCreateV2 is deprecated"));
  });

  it("rejects a deprecated field inside an otherwise valid query", () => {
    const deprecated = parse(/* GraphQL */ `
      query OldQuantities($id: ID!) {
        order(id: $id) {
          lineItems(first: 5) {
            nodes {
              fulfillableQuantity
            }
          }
        }
      }
    `);
    const messages = validate(schema, deprecated, rules).map((error) => error.message);
    expect(messages).toEqual([expect.stringContaining("LineItem.fulfillableQuantity is deprecated")]);
  });
});
