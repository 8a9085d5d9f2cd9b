import { Box, Text } from "@shopify/polaris";

/** A JSON document (what was sent to CJ, CJ's answer) shown as readable, scrollable text. */
export function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <Box>
      <Text as="h3" variant="headingSm">
        {label}
      </Text>
      <Box background="bg-surface-secondary" padding="200" borderRadius="200" overflowX="scroll">
        <pre style={{ margin: 0, fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
          {JSON.stringify(value, null, 2)}
        </pre>
      </Box>
    </Box>
  );
}
