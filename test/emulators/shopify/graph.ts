import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { displayFulfillmentStatus, lineTotal, numericIdOf, orderTotals } from "./build-order";
import { displayNameOf, filterVariants, findProduct, findVariant, sortVariants, variantEntries } from "./catalogue";
import type {
  CatalogueProduct,
  CatalogueVariant,
  Fulfillment,
  FulfillmentOrder,
  LineItem,
  MailingAddress,
  Order,
  Shop,
} from "./model";
import { moneyPair, presentmentCurrencyOf } from "./money";
import { filterOrders, sortOrders } from "./order-search";
import type { EmulatorState, EventInput, FulfillmentLineInput, TrackingInput, UserError } from "./state";

/** Copy of /work/shared/reference/shopify-admin-2026-10.graphql (printed from @shopify/dev-mcp 1.16.0 data). */
export const schemaPath = fileURLToPath(new URL("./schema/admin-2026-10.graphql", import.meta.url));

let cachedSchema: GraphQLSchema | undefined;
/** The real Admin API 2026-10 schema; the emulator answers only what it can resolve from its test data. */
export function adminSchema(path: string = process.env.SHOPIFY_ADMIN_SCHEMA ?? schemaPath): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(path, "utf8"));
  return cachedSchema;
}

export interface GraphContext {
  state: EmulatorState;
  shop: Shop;
}

type View = Record<string, unknown>;

/**
 * Resolves a field from the view object (a value, or a method taking the field's arguments). Fields the emulator
 * does not model throw, so a test learns at once that the app asked for something the emulator cannot answer.
 */
export const emulatorFieldResolver: GraphQLFieldResolver<unknown, GraphContext> = (source, args, context, info) => {
  if (source !== null && typeof source === "object" && info.fieldName in source) {
    const value = (source as View)[info.fieldName];
    return typeof value === "function" ? value.call(source, args, context, info) : value;
  }
  throw new GraphQLError(`${info.parentType.name}.${info.fieldName} is not emulated by the Shopify emulator`, {
    extensions: { code: "NOT_EMULATED" },
  });
};

// --- connections ---------------------------------------------------------------------------------------------

const encodeCursor = (key: string) => Buffer.from(key).toString("base64url");
const decodeCursor = (cursor: string) => Buffer.from(cursor, "base64url").toString();

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export function connection<T>(
  items: T[],
  args: ConnectionArgs,
  keyOf: (item: T) => string,
  view: (item: T) => unknown,
) {
  // Shopify rejects unbounded connections ("you must provide one of first or last").
  if (args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last");
  if ((args.first ?? 0) > 250 || (args.last ?? 0) > 250) {
    throw new GraphQLError("The first/last argument must be at most 250");
  }
  const ordered = args.reverse ? [...items].reverse() : items;
  let start = 0;
  let end = ordered.length;
  if (args.after) {
    const key = decodeCursor(args.after);
    const index = ordered.findIndex((item) => keyOf(item) === key);
    start = index + 1;
  }
  if (args.before) {
    const key = decodeCursor(args.before);
    const index = ordered.findIndex((item) => keyOf(item) === key);
    if (index >= 0) end = index;
  }
  let window = ordered.slice(start, end);
  let hasNextPage = end < ordered.length;
  let hasPreviousPage = start > 0;
  if (args.first != null && window.length > args.first) {
    window = window.slice(0, args.first);
    hasNextPage = true;
  }
  if (args.last != null && window.length > args.last) {
    window = window.slice(window.length - args.last);
    hasPreviousPage = true;
  }
  const edges = window.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: view(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

// --- views ---------------------------------------------------------------------------------------------------

/** A MoneyBag for one shop-currency amount of the order: presentment = shop × rate when the currencies differ. */
function moneyBag(order: Order, amount: string) {
  const pair = moneyPair(order, amount);
  return {
    shopMoney: { amount: pair.shop, currencyCode: order.currencyCode },
    presentmentMoney: { amount: pair.presentment, currencyCode: presentmentCurrencyOf(order) },
  };
}

function addressView(address: MailingAddress | null, id: string): View | null {
  if (!address) return null;
  return {
    __typename: "MailingAddress",
    id,
    ...address,
    coordinatesValidated: false,
    latitude: null,
    longitude: null,
    formattedArea: [address.city, address.province, address.country].filter(Boolean).join(", ") || null,
    formatted: () =>
      [
        address.address1,
        address.address2,
        [address.city, address.provinceCode, address.zip].filter(Boolean).join(" "),
        address.country,
      ].filter((part): part is string => Boolean(part)),
  };
}

function imageView(url: string | null): View | null {
  if (!url) return null;
  return { __typename: "Image", id: null, url: () => url, altText: null, width: 800, height: 800 };
}

function locationView(locationId: string, name: string): View {
  return {
    __typename: "Location",
    id: locationId,
    name,
    legacyResourceId: String(numericIdOf(locationId)),
    isActive: true,
  };
}

// The catalogue's products and variants (catalogue.ts), as Product and ProductVariant.

function catalogueProductView(ctx: GraphContext, product: CatalogueProduct): View {
  return {
    __typename: "Product",
    id: product.id,
    legacyResourceId: String(product.legacyId),
    title: product.title,
    handle: product.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
    vendor: product.vendor ?? "",
    status: "ACTIVE",
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    featuredMedia: null,
    hasOnlyDefaultVariant: product.variants.length === 1 && product.variants[0]?.title === "Default Title",
    variantsCount: { count: product.variants.length, precision: "EXACT" },
    variants: (args: ConnectionArgs) =>
      connection(
        product.variants,
        args,
        (variant) => variant.id,
        (variant) => catalogueVariantView(ctx, product, variant),
      ),
  };
}

function catalogueVariantView(ctx: GraphContext, product: CatalogueProduct, variant: CatalogueVariant): View {
  return {
    __typename: "ProductVariant",
    id: variant.id,
    legacyResourceId: String(variant.legacyId),
    title: variant.title,
    sku: variant.sku,
    price: variant.price,
    compareAtPrice: null,
    barcode: null,
    displayName: displayNameOf(product, variant),
    position: variant.position,
    availableForSale: true,
    taxable: true,
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    product: () => catalogueProductView(ctx, product),
  };
}

function productView(ctx: GraphContext, productId: string, line: LineItem): View {
  const product = findProduct(ctx.state, ctx.shop.domain, productId);
  if (product) return catalogueProductView(ctx, product);
  return { __typename: "Product", id: productId, title: line.title, vendor: line.vendor, featuredMedia: null };
}

/** A line's variant: the catalogue's (what it is now) when the shop has it, else what the order recorded. */
function variantView(ctx: GraphContext, line: LineItem): View | null {
  const variant = line.variant;
  if (!variant) return null;
  const found = findVariant(ctx.state, ctx.shop.domain, variant.id);
  if (found) return catalogueVariantView(ctx, found.product, found.variant);
  return {
    __typename: "ProductVariant",
    id: variant.id,
    sku: variant.sku,
    title: variant.title,
    displayName: line.name,
    price: line.unitPrice,
    barcode: null,
    image: () => imageView(variant.imageUrl),
    product: line.productId ? productView(ctx, line.productId, line) : null,
  };
}

function remainingQuantityOf(order: Order, lineItemId: string): number {
  return order.fulfillmentOrders
    .filter((fo) => fo.status !== "CANCELLED")
    .flatMap((fo) => fo.lineItems)
    .filter((foLine) => foLine.lineItemId === lineItemId)
    .reduce((sum, foLine) => sum + foLine.remainingQuantity, 0);
}

function lineItemView(ctx: GraphContext, order: Order, line: LineItem): View {
  const price = (amount: string) => moneyBag(order, amount);
  const total = lineTotal(order, line);
  return {
    __typename: "LineItem",
    id: line.id,
    name: line.name,
    title: line.title,
    variantTitle: line.variantTitle,
    vendor: line.vendor,
    sku: line.sku,
    quantity: line.quantity,
    currentQuantity: line.currentQuantity,
    refundableQuantity: line.currentQuantity,
    nonFulfillableQuantity: line.quantity - line.currentQuantity,
    unfulfilledQuantity: remainingQuantityOf(order, line.id),
    requiresShipping: line.requiresShipping,
    isGiftCard: line.isGiftCard,
    taxable: true,
    restockable: true,
    merchantEditable: true,
    customAttributes: [],
    originalUnitPriceSet: price(line.unitPrice),
    discountedUnitPriceSet: price(line.unitPrice),
    discountedUnitPriceAfterAllDiscountsSet: price(line.unitPrice),
    originalTotalSet: price(total),
    discountedTotalSet: () => price(total),
    totalDiscountSet: price("0"),
    weight: { unit: "GRAMS", value: line.grams },
    image: () => imageView(line.imageUrl),
    variant: variantView(ctx, line),
    product: line.productId ? productView(ctx, line.productId, line) : null,
  };
}

function supportedActions(fo: FulfillmentOrder): { action: string; externalUrl: null }[] {
  const hasRemaining = fo.lineItems.some((line) => line.remainingQuantity > 0);
  const actions: Record<FulfillmentOrder["status"], string[]> = {
    OPEN: ["CREATE_FULFILLMENT", "REQUEST_FULFILLMENT", "HOLD", "MOVE", "SPLIT"],
    IN_PROGRESS: ["CREATE_FULFILLMENT", "HOLD", "SPLIT"],
    ON_HOLD: ["RELEASE_HOLD", "HOLD", "SPLIT"],
    SCHEDULED: ["MARK_AS_OPEN"],
    INCOMPLETE: [],
    CLOSED: [],
    CANCELLED: [],
  };
  return (hasRemaining ? actions[fo.status] : []).map((action) => ({ action, externalUrl: null }));
}

function fulfillmentOrderView(ctx: GraphContext, order: Order, fo: FulfillmentOrder): View {
  const location = fo.assignedLocation;
  return {
    __typename: "FulfillmentOrder",
    id: fo.id,
    orderId: order.id,
    orderName: order.name,
    orderProcessedAt: order.processedAt,
    order: () => orderView(ctx, order),
    status: fo.status,
    requestStatus: fo.requestStatus,
    createdAt: fo.createdAt,
    updatedAt: fo.updatedAt,
    fulfillAt: null,
    fulfillBy: null,
    destination: null,
    deliveryMethod: null,
    supportedActions: supportedActions(fo),
    fulfillmentHolds: fo.holds.map((hold) => ({
      __typename: "FulfillmentHold",
      id: hold.id,
      reason: hold.reason,
      reasonNotes: hold.reasonNotes,
      handle: hold.handle,
      displayReason: hold.reason.toLowerCase().replaceAll("_", " "),
      heldByRequestingApp: true,
      heldByApp: null,
    })),
    assignedLocation: {
      name: location.name,
      address1: location.address1,
      address2: null,
      city: location.city,
      province: location.province,
      zip: location.zip,
      countryCode: location.countryCode,
      phone: location.phone,
      location: locationView(location.locationId, location.name),
    },
    lineItems: (args: ConnectionArgs) =>
      connection(
        fo.lineItems,
        args,
        (foLine) => foLine.id,
        (foLine) => {
          const line = order.lineItems.find((candidate) => candidate.id === foLine.lineItemId);
          if (!line) throw new GraphQLError(`Fulfillment order line ${foLine.id} refers to a missing line item`);
          return {
            __typename: "FulfillmentOrderLineItem",
            id: foLine.id,
            totalQuantity: foLine.totalQuantity,
            remainingQuantity: foLine.remainingQuantity,
            sku: line.sku,
            productTitle: line.title,
            variantTitle: line.variantTitle,
            vendor: line.vendor,
            requiresShipping: line.requiresShipping,
            inventoryItemId: null,
            image: imageView(line.imageUrl),
            variant: variantView(ctx, line),
            lineItem: lineItemView(ctx, order, line),
            warnings: [],
          };
        },
      ),
    fulfillments: (args: ConnectionArgs) =>
      connection(
        order.fulfillments.filter((fulfillment) =>
          fulfillment.lineItems.some((line) => line.fulfillmentOrderId === fo.id),
        ),
        args,
        (fulfillment) => fulfillment.id,
        (fulfillment) => fulfillmentView(ctx, order, fulfillment),
      ),
  };
}

function fulfillmentView(ctx: GraphContext, order: Order, fulfillment: Fulfillment): View {
  const lastEvent = fulfillment.events.at(-1);
  const firstEventAt = (status: string) =>
    fulfillment.events.find((event) => event.status === status)?.happenedAt ?? null;
  return {
    __typename: "Fulfillment",
    id: fulfillment.id,
    legacyResourceId: String(numericIdOf(fulfillment.id)),
    name: fulfillment.name,
    status: fulfillment.status,
    displayStatus: fulfillment.status === "CANCELLED" ? "CANCELED" : (lastEvent?.status ?? "FULFILLED"),
    createdAt: fulfillment.createdAt,
    updatedAt: fulfillment.updatedAt,
    deliveredAt: firstEventAt("DELIVERED"),
    inTransitAt: firstEventAt("IN_TRANSIT"),
    estimatedDeliveryAt: lastEvent?.estimatedDeliveryAt ?? null,
    requiresShipping: true,
    totalQuantity: fulfillment.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    location: locationView(fulfillment.locationId, "Shop location"),
    order: () => orderView(ctx, order),
    originAddress: null,
    service: null,
    trackingInfo: (args: { first?: number | null }) => fulfillment.trackingInfo.slice(0, args.first ?? undefined),
    events: (args: ConnectionArgs) =>
      connection(
        fulfillment.events,
        args,
        (event) => event.id,
        (event) => ({ __typename: "FulfillmentEvent", ...event }),
      ),
    fulfillmentLineItems: (args: ConnectionArgs) =>
      connection(
        fulfillment.lineItems,
        args,
        (line) => line.id,
        (line) => {
          const lineItem = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
          return {
            __typename: "FulfillmentLineItem",
            id: line.id,
            quantity: line.quantity,
            lineItem: lineItem ? lineItemView(ctx, order, lineItem) : null,
          };
        },
      ),
    fulfillmentOrders: (args: ConnectionArgs) =>
      connection(
        order.fulfillmentOrders.filter((fo) => fulfillment.lineItems.some((line) => line.fulfillmentOrderId === fo.id)),
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(ctx, order, fo),
      ),
  };
}

function orderView(ctx: GraphContext, order: Order): View {
  const totals = orderTotals(order);
  const price = (amount: string) => moneyBag(order, amount);
  const paid = ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.displayFinancialStatus);
  const customer = order.customer;
  return {
    __typename: "Order",
    id: order.id,
    legacyResourceId: String(order.legacyId),
    name: order.name,
    number: order.number,
    email: order.email,
    phone: order.phone,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.processedAt,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    closed: order.closedAt !== null,
    closedAt: order.closedAt,
    confirmed: true,
    test: order.test,
    note: order.note,
    tags: order.tags,
    currencyCode: order.currencyCode,
    presentmentCurrencyCode: presentmentCurrencyOf(order),
    displayFinancialStatus: order.displayFinancialStatus,
    displayFulfillmentStatus: displayFulfillmentStatus(order),
    fullyPaid: paid,
    unpaid: !paid,
    requiresShipping: order.lineItems.some((line) => line.requiresShipping),
    fulfillable: order.fulfillmentOrders.some((fo) =>
      supportedActions(fo).some((a) => a.action === "CREATE_FULFILLMENT"),
    ),
    customerLocale: "en",
    sourceName: "web",
    paymentGatewayNames: ["bogus"],
    discountCodes: [],
    customAttributes: [],
    subtotalLineItemsQuantity: order.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    currentSubtotalLineItemsQuantity: order.lineItems.reduce((sum, line) => sum + line.currentQuantity, 0),
    subtotalPriceSet: price(totals.subtotal),
    currentSubtotalPriceSet: price(totals.subtotal),
    totalPriceSet: price(totals.total),
    currentTotalPriceSet: price(totals.total),
    originalTotalPriceSet: price(totals.total),
    totalShippingPriceSet: price(order.shippingPrice),
    currentShippingPriceSet: price(order.shippingPrice),
    totalTaxSet: price(order.taxPrice),
    currentTotalTaxSet: price(order.taxPrice),
    totalDiscountsSet: price(order.discountPrice),
    currentTotalDiscountsSet: price(order.discountPrice),
    totalOutstandingSet: price(paid ? "0" : totals.total),
    totalReceivedSet: price(paid ? totals.total : "0"),
    totalRefundedSet: price("0"),
    shippingAddress: addressView(order.shippingAddress, `${order.id}/shipping`),
    billingAddress: addressView(order.billingAddress, `${order.id}/billing`),
    displayAddress: addressView(order.shippingAddress ?? order.billingAddress, `${order.id}/display`),
    customer: customer
      ? {
          __typename: "Customer",
          id: customer.id,
          firstName: customer.firstName,
          lastName: customer.lastName,
          displayName: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || (customer.email ?? ""),
          defaultEmailAddress: customer.email
            ? { emailAddress: customer.email, marketingState: "NOT_SUBSCRIBED" }
            : null,
          defaultPhoneNumber: customer.phone ? { phoneNumber: customer.phone, marketingState: "NOT_SUBSCRIBED" } : null,
          tags: [],
          locale: "en",
        }
      : null,
    risk: {
      recommendation: order.risk.recommendation,
      assessments: order.risk.assessments.map((assessment) => ({ ...assessment, provider: null })),
    },
    lineItems: (args: ConnectionArgs) =>
      connection(
        order.lineItems,
        args,
        (line) => line.id,
        (line) => lineItemView(ctx, order, line),
      ),
    fulfillmentOrders: (args: ConnectionArgs & { displayable?: boolean | null }) =>
      connection(
        args.displayable ? order.fulfillmentOrders.filter((fo) => fo.status !== "CANCELLED") : order.fulfillmentOrders,
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(ctx, order, fo),
      ),
    fulfillments: (args: { first?: number | null }) =>
      order.fulfillments
        .slice(0, args.first ?? undefined)
        .map((fulfillment) => fulfillmentView(ctx, order, fulfillment)),
    fulfillmentsCount: { count: order.fulfillments.length, precision: "EXACT" },
    localizedFields: (args: ConnectionArgs & { countryCodes?: string[] | null; purposes?: string[] | null }) =>
      connection(
        (order.localizedFields ?? []).filter(
          (field) =>
            (!args.countryCodes || args.countryCodes.includes(field.countryCode)) &&
            (!args.purposes || args.purposes.includes(field.purpose)),
        ),
        args,
        (field) => field.key,
        (field) => ({
          __typename: "LocalizedField",
          countryCode: field.countryCode,
          key: field.key,
          purpose: field.purpose,
          title: field.title,
          value: field.value,
        }),
      ),
  };
}

// --- roots ---------------------------------------------------------------------------------------------------

function nodeById(ctx: GraphContext, id: string): View | null {
  const type = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1];
  switch (type) {
    case "Order": {
      const order = ctx.state.findOrder(ctx.shop.domain, id);
      return order ? orderView(ctx, order) : null;
    }
    case "FulfillmentOrder": {
      const found = ctx.state.findFulfillmentOrder(ctx.shop.domain, id);
      return found ? fulfillmentOrderView(ctx, found.order, found.fo) : null;
    }
    case "Fulfillment": {
      const found = ctx.state.findFulfillment(ctx.shop.domain, id);
      return found ? fulfillmentView(ctx, found.order, found.fulfillment) : null;
    }
    case "Product": {
      const product = findProduct(ctx.state, ctx.shop.domain, id);
      return product ? catalogueProductView(ctx, product) : null;
    }
    case "ProductVariant": {
      const found = findVariant(ctx.state, ctx.shop.domain, id);
      return found ? catalogueVariantView(ctx, found.product, found.variant) : null;
    }
    default:
      return null;
  }
}

function userErrorsView(errors: UserError[]) {
  return errors.map((error) => ({ __typename: "UserError", ...error, code: null }));
}

export function rootValue(ctx: GraphContext): View {
  const { state, shop } = ctx;
  return {
    shop: {
      __typename: "Shop",
      id: shop.id,
      name: shop.name,
      email: shop.email,
      contactEmail: shop.email,
      myshopifyDomain: shop.domain,
      url: `https://${shop.domain}`,
      currencyCode: shop.currencyCode,
      ianaTimezone: "America/New_York",
      plan: { publicDisplayName: "Development", partnerDevelopment: true, shopifyPlus: false },
    },
    order: ({ id }: { id: string }) => (id.startsWith("gid://shopify/Order/") ? nodeById(ctx, id) : null),
    fulfillmentOrder: ({ id }: { id: string }) =>
      id.startsWith("gid://shopify/FulfillmentOrder/") ? nodeById(ctx, id) : null,
    fulfillment: ({ id }: { id: string }) => (id.startsWith("gid://shopify/Fulfillment/") ? nodeById(ctx, id) : null),
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(ctx, id)),
    orders: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) => {
      const orders = sortOrders(filterOrders(state.ordersOf(shop.domain), args.query ?? null), args.sortKey ?? "ID");
      return connection(
        orders,
        args,
        (order) => order.id,
        (order) => orderView(ctx, order),
      );
    },
    product: ({ id }: { id: string }) => (id.startsWith("gid://shopify/Product/") ? nodeById(ctx, id) : null),
    productVariant: ({ id }: { id: string }) =>
      id.startsWith("gid://shopify/ProductVariant/") ? nodeById(ctx, id) : null,
    productVariants: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) => {
      // Shopify refuses a page given from both ends.
      if (args.first != null && args.last != null) {
        throw new GraphQLError(
          "Passing both `first` and `last` to paginate the `productVariants` connection is not supported.",
        );
      }
      const entries = sortVariants(
        filterVariants(variantEntries(state, shop.domain), args.query ?? null),
        args.sortKey ?? "ID",
      );
      return connection(
        entries,
        args,
        ({ variant }) => variant.id,
        ({ product, variant }) => catalogueVariantView(ctx, product, variant),
      );
    },
    fulfillmentOrders: (args: ConnectionArgs & { includeClosed?: boolean | null }) => {
      const fos = state
        .ordersOf(shop.domain)
        .flatMap((order) => order.fulfillmentOrders.map((fo) => ({ order, fo })))
        .filter(({ fo }) => args.includeClosed || (fo.status !== "CLOSED" && fo.status !== "CANCELLED"));
      return connection(
        fos,
        args,
        ({ fo }) => fo.id,
        ({ order, fo }) => fulfillmentOrderView(ctx, order, fo),
      );
    },

    fulfillmentCreate: (args: {
      fulfillment: {
        lineItemsByFulfillmentOrder: FulfillmentLineInput[];
        trackingInfo?: TrackingInput | null;
        notifyCustomer?: boolean | null;
      };
      message?: string | null;
    }) => {
      const result = state.createFulfillment(shop.domain, args.fulfillment, args.message ?? null);
      const found = result.fulfillment && state.findFulfillment(shop.domain, result.fulfillment.id);
      return {
        fulfillment: found ? fulfillmentView(ctx, found.order, found.fulfillment) : null,
        userErrors: userErrorsView(result.userErrors),
      };
    },
    fulfillmentTrackingInfoUpdate: (args: {
      fulfillmentId: string;
      trackingInfoInput: TrackingInput;
      notifyCustomer?: boolean | null;
    }) => {
      const result = state.updateTracking(
        shop.domain,
        args.fulfillmentId,
        args.trackingInfoInput,
        args.notifyCustomer ?? null,
      );
      const found = result.fulfillment && state.findFulfillment(shop.domain, result.fulfillment.id);
      return {
        fulfillment: found ? fulfillmentView(ctx, found.order, found.fulfillment) : null,
        userErrors: userErrorsView(result.userErrors),
      };
    },
    fulfillmentEventCreate: (args: { fulfillmentEvent: EventInput }) => {
      const result = state.createFulfillmentEvent(shop.domain, args.fulfillmentEvent);
      return {
        fulfillmentEvent: result.event ? { __typename: "FulfillmentEvent", ...result.event } : null,
        userErrors: userErrorsView(result.userErrors),
      };
    },
    fulfillmentOrderHold: (args: {
      id: string;
      fulfillmentHold: { reason: string; reasonNotes?: string | null; handle?: string | null };
    }) => {
      const result = state.holdFulfillmentOrder(shop.domain, args.id, args.fulfillmentHold);
      const found = result.fo && state.findFulfillmentOrder(shop.domain, result.fo.id);
      const view = found ? fulfillmentOrderView(ctx, found.order, found.fo) : null;
      return {
        fulfillmentOrder: view,
        fulfillmentHold:
          view && result.userErrors.length === 0 ? ((view.fulfillmentHolds as unknown[]).at(-1) ?? null) : null,
        remainingFulfillmentOrder: null,
        userErrors: userErrorsView(result.userErrors),
      };
    },
    fulfillmentOrderReleaseHold: (args: { id: string }) => {
      const result = state.releaseFulfillmentOrderHold(shop.domain, args.id);
      const found = result.fo && state.findFulfillmentOrder(shop.domain, result.fo.id);
      return {
        fulfillmentOrder: found ? fulfillmentOrderView(ctx, found.order, found.fo) : null,
        userErrors: userErrorsView(result.userErrors),
      };
    },
  };
}
