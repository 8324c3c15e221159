export { MAX_PER_PAGE, toListQuery, type ZohoListParams } from './list-params';
export { hasMorePages, paginate, type ZohoListPage, type ZohoPageContext } from './paginate';
