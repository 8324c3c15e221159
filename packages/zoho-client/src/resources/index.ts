export { createBooksResources, type ZohoBooksResources } from './books';
export { createInventoryResources, type ZohoInventoryResources } from './inventory';
export { ITEM_DETAILS_BATCH, type ZohoItemDetailsBatch, type ZohoItemDetailsResource } from './item-details';
export { PRICEBOOK_STREAM_CHUNK, type ZohoPricebookHeader, type ZohoPricebookStreamOptions, type ZohoStreamedPricebook } from './pricebook-stream';
export { createListResource, parseRows, type ListResourceDefinition, type ZohoIterateOptions, type ZohoListResource } from './list-resource';
