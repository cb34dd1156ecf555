/**
 * Word lists the product generator composes titles and descriptions from, and how many products
 * each category gets. The counts follow the original shop: bags, shoes and clothes dominate.
 */
import type { Category } from '../../lib/schema';

export interface CategoryCatalog {
  count: number;
  /** Price range in whole euros; prices are spread evenly on a log scale. */
  priceEuros: readonly [number, number];
  /** What the products are; each is used at most once per category. */
  kinds: readonly string[];
  qualifiers: readonly string[];
  /** Ends the description's first sentence, after "<qualifier> <kind> by <brand>, ". */
  features: readonly string[];
  /** A whole sentence of detail. */
  details: readonly string[];
}

export const BRANDS = [
  'Marlowe',
  'Hart & Finch',
  'Northwind',
  'Bellamy',
  'Orla',
  'Kestrel',
  'Fenwick',
  'Solstice',
  'Larkspur',
  'Tidewater',
  'Juniper & Co.',
  'Halcyon',
  'Brightwell',
  'Vantage',
] as const;

/** Closing sentences shared by every category. */
export const CLOSINGS = [
  'Free returns within 30 days.',
  'Ships within two working days.',
  'Backed by a two-year warranty.',
  'A customer favourite.',
  'Limited stock.',
  'New this season.',
] as const;

export const CATALOG: Record<Category, CategoryCatalog> = {
  clothing: {
    count: 6,
    priceEuros: [19, 149],
    kinds: [
      'Linen Shirt',
      'Denim Jacket',
      'Wool Sweater',
      'Summer Dress',
      'Chino Trousers',
      'Hooded Sweatshirt',
      'Rain Coat',
      'T-Shirt',
      'Pleated Skirt',
      'Cardigan',
    ],
    qualifiers: ['Classic', 'Relaxed', 'Slim-Fit', 'Organic', 'Vintage', 'Lightweight', 'Everyday', 'Tailored'],
    features: ['cut from soft breathable fabric', 'with a flattering modern fit', 'in an easy wash-and-wear cotton blend', 'with reinforced seams'],
    details: ['Machine washable at 30 °C.', 'Available in five colours.', 'Made from responsibly sourced fibres.', 'True to size.'],
  },
  shoes: {
    count: 7,
    priceEuros: [39, 189],
    kinds: ['Sneakers', 'Ankle Boots', 'Running Shoes', 'Loafers', 'Espadrilles', 'Chelsea Boots', 'Sandals', 'Trail Shoes', 'Ballet Flats', 'Derby Shoes'],
    qualifiers: ['Suede', 'Canvas', 'Waterproof', 'Cushioned', 'Handmade', 'Breathable', 'Classic', 'Leather'],
    features: ['with a cushioned insole', 'with a grippy rubber sole', 'built for all-day comfort', 'with a padded heel collar'],
    details: ['Hand-finished in Portugal.', 'Half sizes available.', 'The removable insole is machine washable.', 'Resoleable for a long life.'],
  },
  handbags: {
    count: 8,
    priceEuros: [49, 329],
    kinds: ['Tote Bag', 'Crossbody Bag', 'Shoulder Bag', 'Clutch', 'Backpack', 'Bucket Bag', 'Satchel', 'Hobo Bag', 'Weekender', 'Messenger Bag'],
    qualifiers: ['Leather', 'Quilted', 'Woven', 'Vegan Leather', 'Canvas', 'Structured', 'Mini', 'Suede'],
    features: ['with an adjustable strap', 'with a magnetic closure', 'with a zipped inner pocket', 'roomy enough for a laptop'],
    details: ['Lined with recycled cotton.', 'Gold-tone hardware.', 'Comes with a dust bag.', 'Hand-stitched in small batches.'],
  },
  accessories: {
    count: 3,
    priceEuros: [9, 129],
    kinds: ['Wristwatch', 'Sunglasses', 'Silk Scarf', 'Belt', 'Wallet', 'Beanie', 'Cufflinks'],
    qualifiers: ['Classic', 'Minimalist', 'Handcrafted', 'Slim', 'Vintage'],
    features: ['that goes with everything', 'with a timeless look', 'made to be worn every day'],
    details: ['Gift-wrapped on request.', 'One size fits most.', 'Engraving available.'],
  },
  books: {
    count: 3,
    priceEuros: [8, 39],
    kinds: ['Cookbook', 'Novel', 'Travel Guide', 'Field Guide', 'Poetry Collection', 'Graphic Novel', 'Biography'],
    qualifiers: ['Illustrated', 'Bestselling', 'Pocket', 'Hardcover', 'Annotated'],
    features: ["that readers can't put down", 'with a new foreword', 'loved by critics'],
    details: ['Over 300 pages.', 'Printed on recycled paper.', 'Also available as an e-book.'],
  },
  movies: {
    count: 3,
    priceEuros: [9, 29],
    kinds: ['Box Set', 'Documentary', 'Thriller', 'Animated Feature', 'Western', 'Comedy Collection'],
    qualifiers: ['Remastered', "Collector's Edition", "Director's Cut", 'Anniversary'],
    features: ['with hours of bonus material', 'in stunning 4K', 'with subtitles in twelve languages'],
    details: ['Region-free Blu-ray.', 'Includes a digital copy.', 'Rated 12+.'],
  },
  games: {
    count: 3,
    priceEuros: [19, 69],
    kinds: ['Board Game', 'Jigsaw Puzzle', 'Strategy Game', 'Card Game', 'Racing Game', 'Party Game'],
    qualifiers: ['Family', 'Deluxe', 'Cooperative', 'Retro', 'Two-Player'],
    features: ['for game nights with friends', 'that is easy to learn and hard to master', 'for ages 8 and up'],
    details: ['2 to 6 players.', 'About 45 minutes per game.', 'Includes an expansion pack.'],
  },
  electronics: {
    count: 4,
    priceEuros: [29, 499],
    kinds: ['Wireless Headphones', 'Bluetooth Speaker', 'Smartwatch', 'E-Reader', 'Action Camera', 'Power Bank', 'Soundbar'],
    qualifiers: ['Compact', 'Pro', 'Ultra', 'Smart', 'Travel'],
    features: ['with a battery that lasts all day', 'with crisp, balanced sound', 'that pairs in seconds'],
    details: ['USB-C charging.', 'Water resistant (IPX4).', 'Two-year warranty included.'],
  },
  computers: {
    count: 3,
    priceEuros: [299, 1899],
    kinds: ['Laptop', 'Desktop PC', 'Monitor', 'Mechanical Keyboard', 'Tablet', 'Mini PC'],
    qualifiers: ['Performance', 'Ultralight', 'Creator', 'Business', 'Gaming'],
    features: ['with a fast SSD', 'with a bright, colour-accurate display', 'built for work and play'],
    details: ['16 GB of memory.', 'Ships with the latest OS updates.', 'Whisper-quiet cooling.'],
  },
  'home&garden': {
    count: 3,
    priceEuros: [9, 249],
    kinds: ['Garden Hose', 'Planter', 'Throw Blanket', 'Table Lamp', 'Herb Garden Kit', 'Watering Can', 'Cushion Cover', 'Bird Feeder'],
    qualifiers: ['Ceramic', 'Handwoven', 'Solar', 'Rustic', 'Expandable'],
    features: ['that brightens any room', 'made for indoors and out', 'with a natural, earthy finish'],
    details: ['Weatherproof.', 'Easy to assemble.', 'Designed in Copenhagen.'],
  },
  automotive: {
    count: 2,
    priceEuros: [9, 199],
    kinds: ['Dash Cam', 'Car Vacuum', 'Seat Covers', 'Tyre Inflator', 'Phone Mount', 'Jump Starter'],
    qualifiers: ['Compact', 'Heavy-Duty', 'Universal', 'Cordless'],
    features: ['that fits most cars', 'powered from the 12 V socket', 'for peace of mind on the road'],
    details: ['Installs in minutes.', 'Includes a storage pouch.', 'Tested to EU safety standards.'],
  },
  tools: {
    count: 2,
    priceEuros: [12, 249],
    kinds: ['Cordless Drill', 'Screwdriver Set', 'Tool Box', 'Tape Measure', 'Hammer', 'Socket Set', 'Spirit Level'],
    qualifiers: ['Professional', 'Heavy-Duty', 'Precision', 'Compact'],
    features: ['with an ergonomic grip', 'built for daily use on site', 'with hardened steel parts'],
    details: ['Lifetime guarantee.', 'Comes in a sturdy case.', 'Trusted by tradespeople.'],
  },
  grocery: {
    count: 2,
    priceEuros: [2, 29],
    kinds: ['Coffee Beans', 'Olive Oil', 'Dark Chocolate', 'Green Tea', 'Honey', 'Granola', 'Pasta'],
    qualifiers: ['Organic', 'Fair Trade', 'Single-Origin', 'Artisan', 'Wildflower'],
    features: ['with a rich, full flavour', 'sourced from small farms', 'made in small batches'],
    details: ['Best before: see pack.', 'Vegan.', 'Resealable pack.'],
  },
};
