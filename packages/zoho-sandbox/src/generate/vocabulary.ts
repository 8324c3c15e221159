/** Word lists for a realistic Iraqi electronics and home-goods distributor. */

export interface ProductType {
  en: string;
  ar: string;
  /** IQD price range of one unit. */
  min: number;
  max: number;
  unit: string;
  /** Sold in fractional quantities (cable by the metre). */
  fractional?: boolean;
}

export interface CategorySpec {
  en: string;
  ar: string;
  types: ProductType[];
}

export const CATEGORIES: CategorySpec[] = [
  {
    en: 'Mobile Accessories',
    ar: 'إكسسوارات الموبايل',
    types: [
      { en: 'Phone Charger', ar: 'شاحن موبايل', min: 4_000, max: 45_000, unit: 'pcs' },
      { en: 'USB-C Cable', ar: 'كابل USB-C', min: 1_500, max: 15_000, unit: 'pcs' },
      { en: 'Power Bank', ar: 'باور بانك', min: 15_000, max: 90_000, unit: 'pcs' },
      { en: 'Screen Protector', ar: 'واقي شاشة', min: 1_500, max: 12_000, unit: 'pcs' },
      { en: 'Phone Case', ar: 'حافظة موبايل', min: 2_500, max: 25_000, unit: 'pcs' },
      { en: 'Wireless Earbuds', ar: 'سماعات لاسلكية', min: 12_000, max: 250_000, unit: 'pcs' },
      { en: 'Car Charger', ar: 'شاحن سيارة', min: 5_000, max: 30_000, unit: 'pcs' },
    ],
  },
  {
    en: 'Computer Accessories',
    ar: 'ملحقات الحاسوب',
    types: [
      { en: 'Keyboard', ar: 'لوحة مفاتيح', min: 8_000, max: 150_000, unit: 'pcs' },
      { en: 'Wireless Mouse', ar: 'فأرة لاسلكية', min: 5_000, max: 90_000, unit: 'pcs' },
      { en: 'Laptop Bag', ar: 'حقيبة لابتوب', min: 12_000, max: 80_000, unit: 'pcs' },
      { en: 'USB Flash Drive', ar: 'ذاكرة فلاش', min: 6_000, max: 60_000, unit: 'pcs' },
      { en: 'External Hard Drive', ar: 'قرص صلب خارجي', min: 70_000, max: 400_000, unit: 'pcs' },
      { en: 'Webcam', ar: 'كاميرا ويب', min: 20_000, max: 180_000, unit: 'pcs' },
      { en: 'Monitor', ar: 'شاشة عرض', min: 120_000, max: 900_000, unit: 'pcs' },
    ],
  },
  {
    en: 'Networking',
    ar: 'الشبكات',
    types: [
      { en: 'WiFi Router', ar: 'راوتر واي فاي', min: 30_000, max: 350_000, unit: 'pcs' },
      { en: 'Network Switch', ar: 'سويج شبكة', min: 25_000, max: 600_000, unit: 'pcs' },
      { en: 'Ethernet Cable', ar: 'كابل إيثرنت', min: 1_500, max: 6_000, unit: 'm', fractional: true },
      { en: 'Access Point', ar: 'نقطة وصول', min: 60_000, max: 450_000, unit: 'pcs' },
    ],
  },
  {
    en: 'Home Appliances',
    ar: 'الأجهزة المنزلية',
    types: [
      { en: 'Electric Kettle', ar: 'غلاية كهربائية', min: 15_000, max: 90_000, unit: 'pcs' },
      { en: 'Blender', ar: 'خلاط', min: 30_000, max: 250_000, unit: 'pcs' },
      { en: 'Air Fryer', ar: 'قلاية هوائية', min: 70_000, max: 400_000, unit: 'pcs' },
      { en: 'Steam Iron', ar: 'مكواة بخار', min: 20_000, max: 120_000, unit: 'pcs' },
      { en: 'Vacuum Cleaner', ar: 'مكنسة كهربائية', min: 80_000, max: 650_000, unit: 'pcs' },
      { en: 'Water Heater', ar: 'سخان ماء', min: 120_000, max: 700_000, unit: 'pcs' },
      { en: 'Air Cooler', ar: 'مبردة هواء', min: 150_000, max: 1_200_000, unit: 'pcs' },
      { en: 'Split Air Conditioner', ar: 'سبلت تكييف', min: 450_000, max: 2_500_000, unit: 'pcs' },
    ],
  },
  {
    en: 'Lighting',
    ar: 'الإنارة',
    types: [
      { en: 'LED Bulb', ar: 'مصباح ليد', min: 1_500, max: 12_000, unit: 'pcs' },
      { en: 'Rechargeable Lamp', ar: 'مصباح شحن', min: 10_000, max: 60_000, unit: 'pcs' },
      { en: 'Flood Light', ar: 'كشاف إنارة', min: 20_000, max: 180_000, unit: 'pcs' },
      { en: 'Solar Light', ar: 'ضوء شمسي', min: 25_000, max: 220_000, unit: 'pcs' },
      { en: 'LED Bulb Carton', ar: 'كارتون مصابيح ليد', min: 60_000, max: 300_000, unit: 'carton' },
    ],
  },
  {
    en: 'Power & Electrical',
    ar: 'الكهربائيات',
    types: [
      { en: 'Extension Cord', ar: 'مشترك كهربائي', min: 5_000, max: 40_000, unit: 'pcs' },
      { en: 'Voltage Stabilizer', ar: 'منظم فولتية', min: 60_000, max: 750_000, unit: 'pcs' },
      { en: 'UPS', ar: 'مزود طاقة غير منقطعة', min: 90_000, max: 1_500_000, unit: 'pcs' },
      { en: 'Circuit Breaker', ar: 'قاطع دورة', min: 4_000, max: 60_000, unit: 'pcs' },
      { en: 'Home Generator', ar: 'مولدة منزلية', min: 450_000, max: 2_500_000, unit: 'pcs' },
      { en: 'Electrical Wire', ar: 'سلك كهربائي', min: 1_500, max: 9_000, unit: 'm', fractional: true },
    ],
  },
  {
    en: 'Televisions',
    ar: 'التلفزيونات',
    types: [
      { en: 'LED TV', ar: 'تلفزيون ليد', min: 250_000, max: 1_800_000, unit: 'pcs' },
      { en: 'Smart TV', ar: 'تلفزيون ذكي', min: 350_000, max: 2_500_000, unit: 'pcs' },
      { en: 'TV Wall Mount', ar: 'حامل تلفزيون', min: 8_000, max: 60_000, unit: 'pcs' },
      { en: 'Satellite Receiver', ar: 'رسيفر', min: 25_000, max: 150_000, unit: 'pcs' },
    ],
  },
  {
    en: 'Tools',
    ar: 'العدد اليدوية',
    types: [
      { en: 'Cordless Drill', ar: 'دريل لاسلكي', min: 45_000, max: 380_000, unit: 'pcs' },
      { en: 'Screwdriver Set', ar: 'طقم مفكات', min: 6_000, max: 55_000, unit: 'set' },
      { en: 'Tool Box', ar: 'صندوق عدة', min: 15_000, max: 120_000, unit: 'pcs' },
      { en: 'Multimeter', ar: 'جهاز قياس متعدد', min: 12_000, max: 150_000, unit: 'pcs' },
    ],
  },
];

export const BRANDS = [
  'Samsung', 'LG', 'Anker', 'Xiaomi', 'Huawei', 'TP-Link', 'Philips', 'Baseus', 'Ugreen', 'Hoco',
  'Tefal', 'Kenwood', 'Black+Decker', 'Bosch', 'Panasonic', 'Sharp', 'Haier', 'Midea', 'Toshiba',
  'Lenovo', 'HP', 'Logitech', 'SanDisk', 'Kingston', 'Orient', 'Al-Rafidain', 'Babylon Electric',
];

export const COLORS: readonly (readonly [string, string])[] = [
  ['Black', 'أسود'],
  ['White', 'أبيض'],
  ['Silver', 'فضي'],
  ['Blue', 'أزرق'],
  ['Red', 'أحمر'],
  ['Grey', 'رمادي'],
  ['Gold', 'ذهبي'],
];

export const CITIES: readonly (readonly [string, string])[] = [
  ['Baghdad', 'بغداد'],
  ['Basra', 'البصرة'],
  ['Erbil', 'أربيل'],
  ['Mosul', 'الموصل'],
  ['Najaf', 'النجف'],
  ['Karbala', 'كربلاء'],
  ['Sulaymaniyah', 'السليمانية'],
  ['Kirkuk', 'كركوك'],
  ['Hillah', 'الحلة'],
  ['Nasiriyah', 'الناصرية'],
];

export const LOCATION_NAMES = [
  'Baghdad Main Warehouse',
  'Basra Branch',
  'Erbil Branch',
  'Mosul Branch',
  'Najaf Showroom',
  'Karbala Depot',
  'Kirkuk Depot',
  'Sulaymaniyah Branch',
];

export const FIRST_NAMES_AR = ['علي', 'محمد', 'حسين', 'أحمد', 'عمر', 'زينب', 'فاطمة', 'مريم', 'حيدر', 'مصطفى', 'سارة', 'نور', 'كرار', 'عباس', 'ياسر'];
export const FIRST_NAMES_EN = ['Ali', 'Mohammed', 'Hussein', 'Ahmed', 'Omar', 'Zainab', 'Fatima', 'Maryam', 'Haider', 'Mustafa', 'Sara', 'Noor', 'Karrar', 'Abbas', 'Yasser'];
export const LAST_NAMES_AR = ['الجبوري', 'العبيدي', 'الساعدي', 'الموسوي', 'الربيعي', 'التميمي', 'الدليمي', 'الخفاجي', 'الحسني', 'الزبيدي'];
export const LAST_NAMES_EN = ['Al-Jubouri', 'Al-Obaidi', 'Al-Saadi', 'Al-Musawi', 'Al-Rubaie', 'Al-Tamimi', 'Al-Dulaimi', 'Al-Khafaji', 'Al-Hasani', 'Al-Zubaidi'];

export const SHOP_WORDS: readonly (readonly [string, string])[] = [
  ['Al-Noor', 'النور'],
  ['Al-Amal', 'الأمل'],
  ['Al-Rafidain', 'الرافدين'],
  ['Dijla', 'دجلة'],
  ['Al-Furat', 'الفرات'],
  ['Babil', 'بابل'],
  ['Al-Sama', 'السماء'],
  ['Ishtar', 'عشتار'],
  ['Al-Zawraa', 'الزوراء'],
  ['Al-Mansour', 'المنصور'],
];

export const SHOP_KINDS: readonly (readonly [string, string])[] = [
  ['Electronics', 'للإلكترونيات'],
  ['Trading Co.', 'للتجارة العامة'],
  ['Mobile Center', 'لأجهزة الموبايل'],
  ['Home Appliances', 'للأجهزة المنزلية'],
  ['Computer Store', 'للحاسبات'],
  ['Electrical Supplies', 'للمواد الكهربائية'],
];

export const VENDOR_NAMES = [
  'Guangzhou Bright Electronics Co., Ltd.',
  'Shenzhen Power Tech Co., Ltd.',
  'Dubai Gulf Trading LLC',
  'Istanbul Elektrik A.Ş.',
  'Jebel Ali Distribution FZE',
  'Ningbo Home Appliance Co., Ltd.',
  'Tehran Cable Industries',
  'Amman Tech Supplies',
  'Yiwu Lighting Factory',
  'Mersin Import Export Ltd.',
];

export const VENDOR_NAMES_AR = ['شركة بغداد للاستيراد', 'شركة الشمال للتوزيع', 'مؤسسة البصرة التجارية', 'شركة أور للتجهيزات'];
