import type { Metadata } from 'next';
import type { ReactNode } from 'react';

import { HydrationMarker } from '@/components/ui/hydration-marker';

import './globals.css';

export const metadata: Metadata = {
  title: { default: 'IoT Onboarding', template: '%s · IoT Onboarding' },
  description: 'Onboard and manage devices on AWS IoT Core (or the local emulator).',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <HydrationMarker />
      </body>
    </html>
  );
}
